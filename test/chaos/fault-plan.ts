// The seeded fault schedule: independent lanes (the Redis process or cluster, one instance's
// link to Redis, each instance's link to PostgreSQL, instance restarts), each a sequence of
// faults with pauses between them. Lanes run at the same time, so faults overlap: Redis down
// while one instance has lost PostgreSQL, a restart during a flush, and so on. Every fault ends
// before the window does.
import type { Prng } from './prng.js';

export type RedisFault =
  | 'redis-kill' | 'redis-pause' | 'redis-stale-snapshot' | 'redis-slow' | 'redis-slow-flush'
  | 'cluster-failover' | 'cluster-master-pause' | 'cluster-master-restart-empty';

/** Faults that leave the server running but wipe what it holds; a lane of their own, so they also land during the others. */
export type FlushFault = 'redis-flush' | 'redis-flush-burst';

export type FaultKind = RedisFault | FlushFault | 'redis-partition' | 'pg-cut' | 'instance-restart';

export interface PlannedFault {
  lane: string;
  kind: FaultKind;
  /** Start, in ms after the window opens. */
  atMs: number;
  durationMs: number;
  /** The instance a partition, cut or restart is about. */
  instance?: string;
  /** Cluster faults: which master, the bridge's or the dial-in numbers'. */
  slot?: 'bridge' | 'numbers';
}

const SINGLE: Record<RedisFault, number> = {
  'redis-kill': 3, 'redis-pause': 3, 'redis-stale-snapshot': 3, 'redis-slow': 2, 'redis-slow-flush': 3,
  'cluster-failover': 0, 'cluster-master-pause': 0, 'cluster-master-restart-empty': 0,
};
const CLUSTER: Record<RedisFault, number> = {
  'redis-kill': 0, 'redis-pause': 0, 'redis-stale-snapshot': 0, 'redis-slow': 2, 'redis-slow-flush': 2,
  'cluster-failover': 4, 'cluster-master-pause': 3, 'cluster-master-restart-empty': 2,
};
const FLUSH: Record<FlushFault, number> = { 'redis-flush': 1, 'redis-flush-burst': 2 };

/** How long each kind lasts (ms): [min, max]. */
const DURATION: Record<FaultKind, [number, number]> = {
  'redis-kill': [1000, 5000], 'redis-pause': [800, 4000], 'redis-stale-snapshot': [300, 1500], 'redis-flush': [0, 0],
  'redis-flush-burst': [1000, 4000], 'redis-slow': [2000, 6000], 'redis-slow-flush': [3000, 7000],
  'cluster-failover': [2000, 6000], 'cluster-master-pause': [800, 4000], 'cluster-master-restart-empty': [200, 1200],
  'redis-partition': [1000, 5000], 'pg-cut': [1500, 6000], 'instance-restart': [0, 0],
};

/** Time a lane needs to itself after a fault (a restart, a failover settling). */
const AFTERMATH: Partial<Record<FaultKind, number>> = { 'instance-restart': 8000, 'cluster-failover': 4000, 'cluster-master-restart-empty': 3000 };

function lane(prng: Prng, name: string, windowMs: number, meanGapMs: number, next: (p: Prng) => Omit<PlannedFault, 'lane' | 'atMs' | 'durationMs'>): PlannedFault[] {
  const out: PlannedFault[] = [];
  let t = prng.int(0, Math.min(4000, windowMs / 4));
  for (;;) {
    const f = next(prng);
    const [min, max] = DURATION[f.kind];
    const durationMs = prng.int(min, max);
    const budget = durationMs + (AFTERMATH[f.kind] ?? 0);
    if (t + budget > windowMs) break;
    out.push({ lane: name, atMs: t, durationMs, ...f });
    t += budget + prng.exp(meanGapMs) + 300;
  }
  return out;
}

export function planFaults(prng: Prng, variant: 'single' | 'cluster', windowMs: number, instances: string[]): PlannedFault[] {
  const weights = variant === 'cluster' ? CLUSTER : SINGLE;
  const slot = (p: Prng) => (variant === 'cluster' ? { slot: p.chance(0.75) ? 'bridge' as const : 'numbers' as const } : {});
  const plans: PlannedFault[] = [
    ...lane(prng.fork('redis'), 'redis', windowMs, 3000, (p) => ({ kind: p.weighted(weights), ...slot(p) })),
    ...lane(prng.fork('flush'), 'redis-flush', windowMs, 2000, (p) => ({ kind: p.weighted(FLUSH), ...slot(p) })),
    ...instances.flatMap((i) => lane(prng.fork(`pg-${i}`), `pg-${i}`, windowMs, 9000, () => ({ kind: 'pg-cut' as const, instance: i }))),
    ...lane(prng.fork('restart'), 'restart', windowMs, 15_000, (p) => ({ kind: 'instance-restart' as const, instance: p.pick(instances) })),
  ];
  if (variant === 'single') {
    plans.push(...lane(prng.fork('partition'), 'redis-partition', windowMs, 12_000, (p) => ({ kind: 'redis-partition' as const, instance: p.pick(instances) })));
  }
  return plans.sort((a, b) => a.atMs - b.atMs);
}
