// An attempt that counts against a limit (an ID entry, a leader PIN) is reserved before it is
// checked, in one atomic Redis script (cache/limit-scripts.ts RESERVE_ATTEMPT): every limit is
// compared, the attempt is counted, and the webhook is claimed against retries, so concurrent
// calls never get more checks than the limit, and a Twilio retry counts nothing twice. The
// claim is keyed by CallSid and the step's URL (its call state makes it unique within the call;
// an I-Twilio-Idempotency-Token or a different body does not make a new attempt) and later holds
// the first answer, which retries get. Steps that count nothing are not claimed at all.
// When the cache cannot count, the call goes on uncounted: a broken counter must not lock
// everyone out (logged, and the same stance as before).
import { createHash } from 'node:crypto';
import type { CacheStore, WindowCheck } from '../cache/store.js';
import type { Logger } from '../logging.js';
import type { Params } from './signature.js';

/** How long an answer is kept for retries (Twilio retries within its 15 s webhook timeout). */
export const ANSWER_TTL_MS = 120_000;
/** How long a retry waits for the first request's answer before answering by itself. */
const WAIT_MS = 10_000;
const POLL_MS = 40;
const PENDING = 'P';
const DONE = 'D';

export interface Reservation {
  claim: string;
  member: string;
  keys: string[];
  /** Each check's count, this attempt included. */
  counts: number[];
}

export type Reserved =
  | { kind: 'ok'; reservation: Reservation }
  /** checks[check] is at its limit: nothing counted, the attempt must not be checked. */
  | { kind: 'refused'; check: number; count: number }
  /** A retry of a webhook already answered: its first answer. */
  | { kind: 'retry'; twiml: string }
  /** The cache could not count (or the first request never answered): go on without a limit. */
  | { kind: 'uncounted' };

/** The attempt's name: CallSid, the step's URL (path and query, as received) and the signed parameters. */
export function attemptDigest(call: { callSid: string; pathAndQuery: string; params: Params }): string {
  return createHash('sha256').update(`${call.callSid}\n${call.pathAndQuery}\n${canonicalBody(call.params)}`).digest('base64url').slice(0, 22);
}

/** The parameters in one order, as the signature covers them. */
function canonicalBody(params: Params): string {
  return Object.keys(params).sort().map((k) => `${k}=${JSON.stringify(params[k])}`).join('&');
}

export class Attempts {
  constructor(
    private readonly cache: CacheStore,
    private readonly log: Logger,
    private readonly onRetry: () => void = () => undefined,
  ) {}

  async reserve(claim: string, member: string, checks: WindowCheck[], nowMs = Date.now()): Promise<Reserved> {
    let out;
    try {
      out = await this.cache.reserveAttempt({ claim, claimValue: PENDING, claimTtlMs: ANSWER_TTL_MS, member, checks, nowMs });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'abuse limit could not be counted (cache unavailable); the attempt goes on uncounted');
      return { kind: 'uncounted' };
    }
    if (out.kind === 'ok') return { kind: 'ok', reservation: { claim, member, keys: [...new Set(checks.map((c) => c.key))], counts: out.counts } };
    if (out.kind === 'refused') return out;
    this.onRetry();
    const twiml = out.value.startsWith(DONE) ? out.value.slice(1) : await this.#awaitAnswer(claim);
    if (twiml !== null) {
      this.log.info('webhook retry answered with the first answer');
      return { kind: 'retry', twiml };
    }
    this.log.warn('webhook retry: the first request gave no answer in time; answering this one uncounted');
    return { kind: 'uncounted' };
  }

  /**
   * Ends a reserved attempt: `refund` takes it out of every count (a right answer, or the
   * service's own trouble); the answer is kept for retries. Not awaited by the steps: a lost
   * settlement costs a retry's dedupe, or leaves a right answer counted for one window.
   */
  settle(reserved: Reserved, refund: boolean, twiml: string): void {
    if (reserved.kind !== 'ok') return;
    const { claim, member, keys } = reserved.reservation;
    this.cache.settleAttempt({ claim, member, keys, refund, answer: DONE + twiml, ttlMs: ANSWER_TTL_MS }).catch((err: Error) => {
      this.log.debug({ err: err.message }, 'attempt not settled');
    });
  }

  /** The step failed: its attempt is refunded and a retry may try again. */
  abandon(reserved: Reserved): void {
    if (reserved.kind !== 'ok') return;
    const { claim, member, keys } = reserved.reservation;
    this.cache.settleAttempt({ claim, member, keys, refund: true, answer: null, ttlMs: 0 }).catch(() => undefined);
  }

  async #awaitAnswer(claim: string): Promise<string | null> {
    const end = Date.now() + WAIT_MS;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      let value: string | null;
      try {
        value = await this.cache.get(claim);
      } catch {
        return null;
      }
      if (value === null) return null; // released: the first request failed
      if (value.startsWith(DONE)) return value.slice(1);
    }
    return null;
  }
}
