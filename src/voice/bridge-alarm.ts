// War-dialing shows as many failed ID entries on one bridge from many numbers (each under its
// own limit). Failed entries per bridge are counted over a sliding minute in the shared cache;
// above the threshold the bridge is "in alarm": it is logged (once a minute per instance),
// counted in metrics, and each failed entry waits a few seconds of silence before "not
// recognised" (a <Pause> Twilio plays, so it costs the service nothing). Right entries never
// wait: they do not get here.
import type { CacheKeys } from '../cache/keys.js';
import type { CacheStore } from '../cache/store.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';

const WINDOW_MS = 60_000;

export class BridgeAlarm {
  readonly #lastLogged = new Map<string, number>();

  constructor(
    private readonly cache: CacheStore,
    private readonly keys: CacheKeys,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly failuresPerMinute: number,
    private readonly delayS: number,
  ) {}

  /** Counts a failed entry on the bridge; returns the seconds to pause before refusing it (0: calm). */
  async recordFailure(bridgeId: string, nowMs = Date.now()): Promise<number> {
    let count: number;
    try {
      count = await this.cache.slidingWindow(this.keys.bridgeFailures(bridgeId), nowMs, WINDOW_MS, true);
    } catch {
      return 0; // a broken counter must not slow anyone down
    }
    if (count <= this.failuresPerMinute) return 0;
    this.metrics.bridgeAlarmEntries.inc();
    if (nowMs - (this.#lastLogged.get(bridgeId) ?? 0) >= WINDOW_MS) {
      this.#lastLogged.set(bridgeId, nowMs);
      this.log.warn({ bridgeId, failuresLastMinute: count, threshold: this.failuresPerMinute, delayS: this.delayS }, 'unusual rate of failed conference-ID entries on a bridge (war dialing?)');
    }
    return this.delayS;
  }
}
