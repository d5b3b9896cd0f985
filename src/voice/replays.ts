// Twilio may send a webhook again (a connection override's retry, or a timeout on its side)
// while or after the first one is handled. A retry must get the same TwiML and change nothing:
// no second failed entry, no second wrong PIN. The first request of a call step claims a short-
// lived record in the shared cache under two names, and stores its answer there:
//   - CallSid + URL (path and query) + I-Twilio-Idempotency-Token, how Twilio marks a retry;
//   - CallSid + URL + the signed parameters, for a retry without that header.
// Every prompt's URL is unique within a call (its state counts prompts), so an identical URL
// and body is never a new entry. A retry that finds the first one still running waits for its
// answer. When the cache cannot be asked, the step runs: answering beats deduplicating.
import { createHash } from 'node:crypto';
import type { CacheKeys } from '../cache/keys.js';
import type { CacheStore } from '../cache/store.js';
import type { Logger } from '../logging.js';
import type { Params } from './signature.js';

/** How long an answer is kept for retries (Twilio retries within its 15 s webhook timeout). */
export const REPLAY_TTL_MS = 120_000;
/** How long a retry waits for the first request's answer before answering by itself. */
const WAIT_MS = 10_000;
const POLL_MS = 40;
const PENDING = 'P';
const DONE = 'D';

export interface WebhookIdentity {
  callSid: string;
  /** Path and query, as received. */
  pathAndQuery: string;
  /** I-Twilio-Idempotency-Token, when sent. */
  idempotencyToken: string | undefined;
  params: Params;
}

export type Claim =
  | { kind: 'first'; keys: string[] }
  | { kind: 'retry'; twiml: string }
  /** The cache could not be asked, or the first request never answered: run the step. */
  | { kind: 'unguarded' };

export class WebhookReplays {
  constructor(
    private readonly cache: CacheStore,
    private readonly keys: CacheKeys,
    private readonly log: Logger,
    private readonly onRetry: () => void = () => undefined,
  ) {}

  keysOf(w: WebhookIdentity): string[] {
    const keys: string[] = [];
    if (w.idempotencyToken) keys.push(this.keys.webhookAnswer(w.callSid, 't', digest(w.pathAndQuery, w.idempotencyToken)));
    keys.push(this.keys.webhookAnswer(w.callSid, 'b', digest(w.pathAndQuery, canonicalBody(w.params))));
    return keys;
  }

  async claim(w: WebhookIdentity): Promise<Claim> {
    if (!w.callSid) return { kind: 'unguarded' };
    const keys = this.keysOf(w);
    let found: string | null;
    try {
      found = await this.cache.claimOrGet(keys, PENDING, REPLAY_TTL_MS);
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'webhook retry record unreadable; answering without it');
      return { kind: 'unguarded' };
    }
    if (found === null) return { kind: 'first', keys };
    this.onRetry();
    const twiml = found.startsWith(DONE) ? found.slice(1) : await this.#awaitAnswer(keys);
    if (twiml !== null) {
      this.log.info({ callSid: w.callSid }, 'webhook retry answered with the first answer');
      return { kind: 'retry', twiml };
    }
    this.log.warn({ callSid: w.callSid }, 'webhook retry: the first request gave no answer in time; answering this one');
    return { kind: 'unguarded' };
  }

  /** Stores the first request's answer for its retries (a failure only costs the dedupe). */
  async answered(claim: Claim, twiml: string): Promise<void> {
    if (claim.kind !== 'first') return;
    await Promise.all(claim.keys.map((k) => this.cache.set(k, DONE + twiml, { ttlMs: REPLAY_TTL_MS }))).catch((err: Error) => {
      this.log.debug({ err: err.message }, 'webhook answer not kept for retries');
    });
  }

  /** The step failed: a retry may try again. */
  async failed(claim: Claim): Promise<void> {
    if (claim.kind !== 'first') return;
    await Promise.all(claim.keys.map((k) => this.cache.del(k))).catch(() => undefined);
  }

  async #awaitAnswer(keys: string[]): Promise<string | null> {
    const end = Date.now() + WAIT_MS;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      let values: (string | null)[];
      try {
        values = await Promise.all(keys.map((k) => this.cache.get(k)));
      } catch {
        return null;
      }
      const done = values.find((v) => v?.startsWith(DONE));
      if (done) return done.slice(1);
      if (values.every((v) => v === null)) return null; // released: the first request failed
    }
    return null;
  }
}

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 32);
}

/** The parameters in one order, as the signature covers them. */
function canonicalBody(params: Params): string {
  return Object.keys(params).sort().map((k) => `${k}=${JSON.stringify(params[k])}`).join('&');
}
