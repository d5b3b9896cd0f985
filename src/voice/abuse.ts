// The contract's abuse limits, counted in the shared cache so that every instance sees them:
// failed ID entries per calling number (withheld numbers share one count per bridge), and wrong
// leader PINs per owner (too many lock the leader step for an hour). When the cache cannot
// count, calls go on: a broken counter must not lock everyone out.
import { uuidToRef } from '../lib/refs.js';
import type { CacheKeys } from '../cache/keys.js';
import type { CacheStore } from '../cache/store.js';
import { maskNumber, type Logger } from '../logging.js';

/** How carriers and Twilio spell a withheld caller ID (compared without case). */
const WITHHELD = new Set(['', 'anonymous', 'restricted', 'unknown', '+266696687', '+7378742833', '+8656696', '+86282452253']);

export const isWithheld = (from: string | undefined): boolean => WITHHELD.has((from ?? '').trim().toLowerCase());

/** The count a caller's failures go to: their number, or the bridge's one withheld count. */
export function callerBucket(from: string | undefined, bridgeId: string): string {
  return isWithheld(from) ? `withheld:${uuidToRef(bridgeId)}` : `n:${from!.trim()}`;
}

export class CallerLimits {
  constructor(
    private readonly cache: CacheStore,
    private readonly keys: CacheKeys,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly log: Logger,
  ) {}

  /** True while the caller's failures in the window have reached the limit. */
  async blocked(bucket: string, nowMs = Date.now()): Promise<boolean> {
    try {
      return (await this.cache.slidingWindow(this.keys.callerFailures(bucket), nowMs, this.windowMs, false)) >= this.limit;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'caller failure count unreadable; letting the call in');
      return false;
    }
  }

  /** Counts one failed entry; true when the caller has now reached the limit. */
  async recordFailure(bucket: string, nowMs = Date.now()): Promise<boolean> {
    try {
      const n = await this.cache.slidingWindow(this.keys.callerFailures(bucket), nowMs, this.windowMs, true);
      if (n === this.limit) this.log.warn({ caller: maskBucket(bucket), failures: n, windowS: this.windowMs / 1000 }, 'caller reached the failed-entry limit');
      return n >= this.limit;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not count a failed ID entry');
      return false;
    }
  }
}

const maskBucket = (bucket: string) => (bucket.startsWith('n:') ? maskNumber(bucket.slice(2)) : bucket);

export const PIN_FAILURE_LIMIT = 10;
export const PIN_LOCK_MS = 3600_000;

export class PinGuard {
  constructor(
    private readonly cache: CacheStore,
    private readonly keys: CacheKeys,
    private readonly log: Logger,
  ) {}

  async locked(ownerRef: string): Promise<boolean> {
    try {
      return (await this.cache.get(this.keys.pinLock(ownerRef))) !== null;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'leader PIN lock unreadable; the PIN is still checked');
      return false;
    }
  }

  /** Counts a wrong PIN for the owner; true when this locks the leader step (for an hour). */
  async recordWrongPin(ownerRef: string, context: { callSid: string; from: string }, nowMs = Date.now()): Promise<boolean> {
    try {
      const n = await this.cache.slidingWindow(this.keys.pinFailures(ownerRef), nowMs, PIN_LOCK_MS, true);
      if (n < PIN_FAILURE_LIMIT) return false;
      if (await this.cache.set(this.keys.pinLock(ownerRef), String(nowMs), { ttlMs: PIN_LOCK_MS, onlyIfAbsent: true })) {
        this.log.warn({ owner: ownerRef, wrongPins: n, callSid: context.callSid, caller: maskNumber(context.from) }, 'leader step locked for an hour after repeated wrong PINs');
      }
      return true;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not count a wrong leader PIN');
      return false;
    }
  }
}
