// Structured JSON logs (pino). Secrets are redacted by path as a second line of defence: the
// first is never passing them to a logger. Caller numbers are masked before they are logged.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'headers.authorization',
  '*.authorization',
  '*.leaderPin',
  '*.pin',
  '*.key',
  '*.apiKey',
  '*.authToken',
  '*.password',
  '*.secret',
  '*.Digits',
];

export function createLogger(level = 'info', base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'conference-attendant', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  }, destination);
}

/**
 * The logger of a service process: stdout, written asynchronously, so that a slow log collector
 * on the other end of the pipe never blocks the event loop (and every call with it). Lines
 * logged while a write is in flight go out together in the next one; pino flushes what is left
 * when the process exits.
 */
export function createProcessLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return createLogger(level, base, pino.destination({ dest: 1, sync: false }));
}

/** "+14155550123" → "+1415*****23": enough to correlate, not enough to identify. */
export function maskNumber(number: string | undefined | null): string {
  if (!number) return '';
  if (number.length <= 6) return '*'.repeat(number.length);
  return number.slice(0, 5) + '*'.repeat(Math.max(0, number.length - 7)) + number.slice(-2);
}

/** A logger that writes nothing, for tests and tools. */
export const silentLogger: Logger = pino({ level: 'silent' });
