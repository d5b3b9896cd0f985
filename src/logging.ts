// Structured JSON logs (pino). Secrets are redacted by path as a second line of defence: the
// first is never passing them to a logger. Caller numbers are masked before they are logged.
// Fields a request chooses are checked before they reach a line: a `callSid` that is not
// Twilio's shape is logged as "[malformed]", and every string field is cut at
// MAX_LOGGED_FIELD_LENGTH, so a forged webhook cannot write what it likes, or megabytes, into
// the logs.
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

export const MAX_LOGGED_FIELD_LENGTH = 256;

const CALL_SID = /^CA[0-9a-f]{32}$/;
/** A caller as Twilio writes one: E.164 (or digits), or a withheld-number word. */
const CALLER = /^(\+?[0-9]{1,15}|anonymous|restricted|unknown|private|unavailable)$/i;

/** A CallSid, or "[malformed]" when it is not "CA" and 32 hex digits. */
export const loggableCallSid = (sid: unknown): string | undefined =>
  sid === undefined || sid === null || sid === '' ? undefined : typeof sid === 'string' && CALL_SID.test(sid) ? sid : '[malformed]';

/** A caller's number masked, a withheld word as it is, anything else "[malformed]". */
export function loggableCaller(from: string | undefined | null): string {
  if (!from) return '';
  if (!CALLER.test(from)) return '[malformed]';
  return /^\+?[0-9]+$/.test(from) ? maskNumber(from) : from.toLowerCase();
}

function capped(value: unknown): unknown {
  return typeof value === 'string' && value.length > MAX_LOGGED_FIELD_LENGTH ? `${value.slice(0, MAX_LOGGED_FIELD_LENGTH)}…[${value.length} chars]` : value;
}

export function createLogger(level = 'info', base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'conference-attendant', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    // `caller` is written masked (loggableCaller, maskNumber) or as a count's bucket name: a
    // token of those characters, else something slipped through unmasked
    serializers: { callSid: loggableCallSid, caller: (v: unknown) => (typeof v === 'string' && /^[A-Za-z0-9+*:_.@[\]-]{0,80}$/.test(v) ? v : '[malformed]') },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => {
        for (const [k, v] of Object.entries(object)) if (typeof v === 'string' && v.length > MAX_LOGGED_FIELD_LENGTH) object[k] = capped(v);
        return object;
      },
    },
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

/**
 * The one log line per request, with the same field names whatever served it (admin API,
 * console, Jitsi endpoints, voice webhooks): `reqId` (the X-Request-Id, where there is one),
 * `callSid` (voice webhooks), `method`, `path` (never the query string), `status`, `ms`.
 */
export interface RequestLogLine {
  reqId?: string;
  callSid?: string;
  method: string;
  path: string;
  status: number;
  /** Milliseconds from the request's arrival to the answer, to 0.1 ms. */
  ms: number;
}

/** Milliseconds to the precision request lines carry. */
export const requestMs = (ms: number) => Math.round(ms * 10) / 10;

/** "+14155550123" → "+1415*****23": enough to correlate, not enough to identify. */
export function maskNumber(number: string | undefined | null): string {
  if (!number) return '';
  if (number.length <= 6) return '*'.repeat(number.length);
  return number.slice(0, 5) + '*'.repeat(Math.max(0, number.length - 7)) + number.slice(-2);
}

/** A logger that writes nothing, for tests and tools. */
export const silentLogger: Logger = pino({ level: 'silent' });
