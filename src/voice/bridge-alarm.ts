// War-dialing shows as many failed ID entries on one bridge from many numbers (each under its
// own limit). Guesses per bridge are counted over a sliding minute by the entry reservation
// (caller-limits.ts); this file decides what the count means:
//   - above BRIDGE_ALARM_FAILURES_PER_MIN the bridge is "in alarm": logged (once a minute per
//     instance), counted in metrics, and each failed entry waits a few seconds of silence before
//     "not recognised" (a <Pause> Twilio plays, so it costs the service nothing);
//   - at BRIDGE_FAILURE_CEILING_PER_MIN the bridge is busy: entries are refused and new calls
//     hear "busy" until the rate falls (callers already in a conference are not touched). The trip
//     is announced once (a Redis flag shared by the instances): an error line and the
//     attendant_bridge_failure_ceiling_trips_total metric, to alert on.
// Right entries never wait: they do not get here.
import type { CacheKeys } from '../cache/keys.js';
import type { CacheStore } from '../cache/store.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';
import { BRIDGE_WINDOW_MS } from './caller-limits.js';

/** How often one instance asks whether a trip is already announced (a busy bridge gets many calls). */
const NOTE_EVERY_MS = 5_000;

export class BridgeAlarm {
  readonly #lastLogged = new Map<string, number>();
  readonly #lastNoted = new Map<string, number>();

  constructor(
    private readonly cache: CacheStore,
    private readonly keys: CacheKeys,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly failuresPerMinute: number,
    private readonly delayS: number,
    private readonly ceilingPerMinute: number,
  ) {}

  /** The seconds to pause before refusing a failed guess, given the bridge's guesses this minute (0: calm). */
  pauseFor(bridgeId: string, count: number, nowMs = Date.now()): number {
    if (count <= this.failuresPerMinute) return 0;
    this.metrics.bridgeAlarmEntries.inc();
    if (nowMs - (this.#lastLogged.get(bridgeId) ?? 0) >= BRIDGE_WINDOW_MS) {
      this.#lastLogged.set(bridgeId, nowMs);
      this.log.warn({ bridgeId, failuresLastMinute: count, threshold: this.failuresPerMinute, delayS: this.delayS }, 'unusual rate of failed conference-ID entries on a bridge (war dialing?)');
    }
    return this.delayS;
  }

  /** The bridge reached its ceiling: announces the trip once (across instances) per busy spell. */
  async ceilingReached(bridgeId: string, count: number, nowMs = Date.now()): Promise<void> {
    if (nowMs - (this.#lastNoted.get(bridgeId) ?? -Infinity) < NOTE_EVERY_MS) return;
    this.#lastNoted.set(bridgeId, nowMs);
    const flag = this.keys.bridgeBusy(bridgeId);
    let first: boolean;
    try {
      first = await this.cache.set(flag, String(nowMs), { ttlMs: BRIDGE_WINDOW_MS, onlyIfAbsent: true });
      // still busy: the spell goes on for a minute after the last time it is seen
      if (!first) await this.cache.set(flag, String(nowMs), { ttlMs: BRIDGE_WINDOW_MS });
    } catch {
      first = true; // better a second line than none
    }
    if (!first) return;
    this.metrics.bridgeCeilingTrips.inc();
    this.log.error({ bridgeId, failuresLastMinute: count, ceiling: this.ceilingPerMinute },
      'bridge over its ceiling of failed conference-ID entries: new calls to it hear "busy" until the rate falls (war dialing?)');
  }
}
