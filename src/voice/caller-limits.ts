// Failed ID entries, counted in the shared cache so that every instance sees them:
//   - per (bridge, calling number): CALLER_FAILURE_LIMIT over CALLER_FAILURE_WINDOW_S; a number
//     blocked on one bridge may still call another (a spoofed number cannot be shut out everywhere);
//   - withheld callers (every spelling) share one budget per bridge, WITHHELD_FAILURE_LIMIT, apart
//     from any number's: a prankster with a withheld number cannot block a real number, and a
//     real number's failures do not block the withheld callers;
//   - per bridge, every guess from every number: BRIDGE_FAILURE_CEILING_PER_MIN a minute, past
//     which new calls to the bridge hear "busy" (bridge-alarm.ts announces the trip).
// An ID entry reserves its attempt against these before its answer is acted on (attempts.ts);
// a right ID refunds it. Numbers appear in key names only as keyed digests (cache/caller-digest.ts).
import type { CallerDigests } from '../cache/caller-digest.js';
import { WITHHELD_CALLER } from '../cache/caller-digest.js';
import type { CacheKeys } from '../cache/keys.js';
import type { CacheStore, WindowCheck } from '../cache/store.js';
import { maskNumber, type Logger } from '../logging.js';
import type { Params } from './signature.js';
import { attemptDigest, type Attempts, type Reserved } from './attempts.js';

export const BRIDGE_WINDOW_MS = 60_000;

export interface CallerLimitSettings {
  callerLimit: number;
  withheldLimit: number;
  windowMs: number;
  bridgeCeilingPerMin: number;
}

/** Which check refused an entry: the caller's budget, or the bridge's ceiling. */
export type EntryRefusal = 'caller' | 'bridge';

export type Admission = 'ok' | 'blocked' | 'busy';

export class CallerLimits {
  constructor(
    private readonly cache: CacheStore,
    private readonly keys: CacheKeys,
    private readonly digests: CallerDigests,
    private readonly attempts: Attempts,
    readonly settings: CallerLimitSettings,
    private readonly log: Logger,
  ) {}

  /** The caller's limit (withheld callers share a bigger one) and the bridge's ceiling. */
  checks(bridgeId: string, from: string, guess: boolean): WindowCheck[] {
    const caller = this.digests.of(from);
    const own: WindowCheck = {
      key: this.keys.callerFailures(bridgeId, caller),
      windowMs: this.settings.windowMs,
      limit: caller === WITHHELD_CALLER ? this.settings.withheldLimit : this.settings.callerLimit,
    };
    return guess ? [own, this.#ceiling(bridgeId)] : [own];
  }

  #ceiling(bridgeId: string): WindowCheck {
    return { key: this.keys.bridgeFailures(bridgeId), windowMs: BRIDGE_WINDOW_MS, limit: this.settings.bridgeCeilingPerMin };
  }

  /**
   * Reserves one ID entry of the call (a guess also counts toward the bridge's ceiling). When
   * refused, the entry must not be acted on, right or wrong.
   */
  reserve(bridgeId: string, call: { callSid: string; pathAndQuery: string; params: Params; from: string }, guess: boolean): Promise<Reserved> {
    const attempt = attemptDigest(call);
    return this.attempts.reserve(this.keys.entryAttempt(bridgeId, attempt), attempt, this.checks(bridgeId, call.from, guess));
  }

  /** Ends a reserved entry: a right ID (or the service's own trouble) is refunded. */
  settle(reserved: Reserved, refund: boolean, twiml: string): void {
    this.attempts.settle(reserved, refund, twiml);
  }

  /** The step failed after reserving: refunded, and a retry may run again. */
  abandon(reserved: Reserved): void {
    this.attempts.abandon(reserved);
  }

  /** Whether a new call is let in: 'blocked' when its number is over its limit, 'busy' when the bridge is over its ceiling. */
  async admission(bridgeId: string, from: string, nowMs = Date.now()): Promise<{ verdict: Admission; bridgeCount: number }> {
    try {
      const [own, bridge] = await this.cache.readWindows(this.checks(bridgeId, from, true), nowMs);
      if (bridge!.count >= this.settings.bridgeCeilingPerMin) return { verdict: 'busy', bridgeCount: bridge!.count };
      return { verdict: own!.untilMs > 0 ? 'blocked' : 'ok', bridgeCount: bridge!.count };
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'caller failure counts unreadable; letting the call in');
      return { verdict: 'ok', bridgeCount: 0 };
    }
  }

  /** Logs the failure that takes a caller to its limit (once: the count equals it only once). */
  noteFailure(from: string, count: number, callSid: string): boolean {
    const limit = this.checkLimit(from);
    if (count === limit) {
      this.log.warn({ caller: maskNumber(from), failures: count, windowS: this.settings.windowMs / 1000, callSid }, 'caller reached the failed-entry limit');
    }
    return count >= limit;
  }

  checkLimit(from: string): number {
    return this.digests.of(from) === WITHHELD_CALLER ? this.settings.withheldLimit : this.settings.callerLimit;
  }
}
