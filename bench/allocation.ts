// `npx tsx bench/allocation.ts`: conference-ID allocations per second on one bridge at 10%, 50%
// and 90% occupancy of its 9,000,000 IDs, one at a time and 8 in parallel, each in a transaction
// of its own like a reset, through allocateConferenceId (src/store/conference-ids.ts); next to a
// naive allocator measured in the same run (one random candidate per round trip: INSERT ... ON
// CONFLICT DO NOTHING, again until one sticks).
//
// The bridge is filled with SQL: an ID is taken at occupancy p when a multiplicative hash of it
// falls below p, so each level adds a scattered set to the previous one. Taken rows look like
// dynamic meeting IDs (active, an owner each, an expiry and its quarantine); one in ten is a
// retired ID still in quarantine. A further 1% of the range is retired and out of quarantine
// (free again: allocation may reuse it). Every allocated ID is checked: distinct, and free
// before (its hash at or above the level, or one of the reusable rows).
//
//   --seconds S   per measurement (default 4; 2 with BENCH_QUICK=1)   --parallel N  (default 8)
// BENCH_QUICK=1 also skips the 50% level (filling 9M IDs dominates the run time).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { randomConferenceIds } from '../src/domain/conference-ids.js';
import { silentLogger } from '../src/logging.js';
import { allocateConferenceId, type Claim } from '../src/store/conference-ids.js';
import { Database, type Tx } from '../src/store/db.js';
import { createDatabase, met, QUICK, report, type BenchDatabase, type Figure } from './lib.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: QUICK ? '2' : '4' },
    parallel: { type: 'string', default: '8' },
  },
});
const SECONDS = Number(args.seconds);
const PARALLEL = Number(args.parallel);
const LEVELS = QUICK ? [0.1, 0.9] : [0.1, 0.5, 0.9];
const TARGET_AT_90 = 1000;
const RANGE = 9_000_000;

// Knuth's multiplicative hash, as a fraction of 2^32: the same in SQL and here.
const HASH_SQL = '((id::bigint * 2654435761) % 4294967296)';
const hashFraction = (id: number) => Number((BigInt(id) * 2654435761n) % 4294967296n) / 4294967296;
const REUSABLE_FROM = 0.99;

interface Setup { bridgeId: string; tenantId: string; userId: string }

async function seed(sql: pg.Client, s: Setup, from: number, to: number): Promise<void> {
  // In slices of 500,000 IDs, in ID order (the primary key grows at its end), with the foreign
  // key triggers off (the referenced rows exist) and no wait for the WAL flush.
  const slice = 500_000;
  const started = Date.now();
  for (let lo = 1_000_000; lo <= 9_999_999; lo += slice) {
    const hi = Math.min(9_999_999, lo + slice - 1);
    await sql.query(
      `INSERT INTO conference_ids (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state,
                                   expires_at, retired_at, retired_reason, quarantine_until)
       SELECT $1, id, $2, 'meeting', ('00000000-0000-4000-8000-' || lpad(to_hex(id), 12, '0'))::uuid, $3,
              CASE WHEN id % 10 = 0 OR h >= $6 THEN 'retired' ELSE 'active' END,
              now() + interval '1 year',
              CASE WHEN id % 10 = 0 OR h >= $6 THEN now() - interval '1 day' END,
              CASE WHEN id % 10 = 0 OR h >= $6 THEN 'meeting_cancelled' END,
              CASE WHEN h >= $6 THEN now() - interval '1 hour' ELSE now() + interval '1 year 90 days' END
         FROM (SELECT id, ${HASH_SQL}::float8 / 4294967296 AS h FROM generate_series($4::int, $5::int) AS id) g
        WHERE (h >= $7 AND h < $8) OR (h >= $6 AND $7 = 0)
       ON CONFLICT DO NOTHING`,
      [s.bridgeId, s.tenantId, s.userId, lo, hi, REUSABLE_FROM, from, to],
    );
    const done = Math.round(((hi - 999_999) / RANGE) * 100);
    const line = `  filling ${Math.round(from * 100)}% -> ${Math.round(to * 100)}%: ${done}% of the range, ${((Date.now() - started) / 1000).toFixed(0)} s`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
    else if (hi === 9_999_999 || (lo - 1_000_000) % (slice * 6) === 0) process.stdout.write(`${line}\n`);
  }
  if (process.stdout.isTTY) process.stdout.write('\n');
  // a steady state, as of a table that has lived a while: vacuumed (no autovacuum pass kicks in
  // during the measurements) and checkpointed (the fill's full-page writes are behind us)
  await sql.query('VACUUM (ANALYZE) conference_ids');
  await sql.query('CHECKPOINT');
}

/** The naive allocator: one random candidate per statement until one is inserted. */
async function naiveAllocate(tx: Tx, c: Omit<Claim, 'conferenceId'>): Promise<{ conference_id: number }> {
  for (;;) {
    const [candidate] = randomConferenceIds(1);
    const { rows } = await tx.query<{ conference_id: number }>(
      `INSERT INTO conference_ids (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, expires_at, quarantine_until)
       VALUES ($1, $2, $3, $4, $5, $6, 'active', $7::timestamptz, $7::timestamptz + make_interval(days => $8))
       ON CONFLICT DO NOTHING RETURNING conference_id`,
      [c.bridgeId, candidate, c.tenantId, c.ownerKind, c.ownerId, c.leaderUserId, c.expiresAt, c.quarantineDays],
    );
    if (rows[0]) return rows[0];
  }
}

interface Run { perSecond: number; count: number; p99: number }

const combine = (rs: Run[]): Run => ({
  perSecond: rs.reduce((a, r) => a + r.perSecond, 0) / rs.length,
  count: rs.reduce((a, r) => a + r.count, 0),
  p99: Math.max(...rs.map((r) => r.p99)),
});

async function measure(db: Database, s: Setup, workers: number, allocate: typeof naiveAllocate, level: number, allocated: Set<number>): Promise<Run> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + (SECONDS * 1000) / 2;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      const claim = {
        bridgeId: s.bridgeId, tenantId: s.tenantId, ownerKind: 'meeting' as const, ownerId: randomUUID(), leaderUserId: s.userId,
        expiresAt: new Date(Date.now() + 365 * 86_400_000), quarantineDays: 90,
      };
      const row = await db.transaction((tx) => allocate(tx, claim));
      latencies.push(performance.now() - t);
      const id = row.conference_id;
      const h = hashFraction(id);
      if (allocated.has(id) || (h < level && h < REUSABLE_FROM)) throw new Error(`allocated ${id}, which was not free (hash ${h.toFixed(4)}, level ${level})`);
      allocated.add(id);
    }
  }));
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { perSecond: (latencies.length * 1000) / elapsed, count: latencies.length, p99: latencies[Math.floor(latencies.length * 0.99)]! };
}

async function main(): Promise<void> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const bench: BenchDatabase = await createDatabase();
    cleanups.unshift(() => bench.drop());
    const sql = new pg.Client({ connectionString: bench.url });
    await sql.connect();
    cleanups.unshift(() => sql.end());
    await sql.query("SET session_replication_role = replica; SET synchronous_commit = off; SET maintenance_work_mem = '256MB'");
    const { rows: [setup] } = await sql.query<Setup>(
      `WITH b AS (INSERT INTO bridges (name) VALUES ('bench') RETURNING id),
            t AS (INSERT INTO tenants (name, bridge_id, conference_id_mode, send_email_by_default) SELECT 'bench', id, 'dynamic', false FROM b RETURNING id, bridge_id),
            u AS (INSERT INTO users (tenant_id, email, display_name, provider, leader_pin_hash) SELECT id, 'organizer@bench.example.com', 'Organizer', 'builtin', 'x' FROM t RETURNING id, tenant_id)
       SELECT t.bridge_id AS "bridgeId", t.id AS "tenantId", u.id AS "userId" FROM t, u`,
    );
    const s = setup!;
    // the service's pool: named prepared statements, as with DATABASE_URL
    const db = new Database({ url: bench.url, poolSize: PARALLEL + 2, preparedStatements: true }, silentLogger);
    cleanups.unshift(() => db.close());

    const rows: Figure[] = [];
    const notes: string[] = [];
    const allocated = new Set<number>();
    let filled = 0;
    for (const level of LEVELS) {
      await seed(sql, s, filled, level);
      filled = level;
      const { rows: [o] } = await sql.query<{ taken: number }>(
        `SELECT count(*)::int AS taken FROM conference_ids x WHERE bridge_id = $1
            AND NOT ((x.state = 'retired' OR (x.expires_at IS NOT NULL AND x.expires_at <= now())) AND x.quarantine_until <= now())`,
        [s.bridgeId],
      );
      const occupancy = o!.taken / RANGE;
      const label = `${(occupancy * 100).toFixed(1)}% taken`;
      // warm-up (JIT, prepared statements on every connection)
      await measureBrief(db, s, allocated, level);
      // ours and the naive one alternate, two half-runs each, so that a busy moment hits both
      const both = async (workers: number) => {
        const runs: Record<'ours' | 'naive', Run[]> = { ours: [], naive: [] };
        for (let k = 0; k < 2; k++) {
          runs.ours.push(await measure(db, s, workers, allocateConferenceId, level, allocated));
          runs.naive.push(await measure(db, s, workers, naiveAllocate, level, allocated));
        }
        return [combine(runs.ours), combine(runs.naive)] as const;
      };
      const [ours1, naive1] = await both(1);
      const [oursN, naiveN] = await both(PARALLEL);
      const target = level === 0.9;
      const x = (a: Run, b: Run) => `${(a.perSecond / b.perSecond).toFixed(2)}x`;
      rows.push(
        {
          measure: `allocations/s at ${label}, ${PARALLEL} in parallel`, value: String(Math.round(oursN.perSecond)),
          baseline: `${Math.round(naiveN.perSecond)} naive`, ratio: x(oursN, naiveN),
          target: target ? `>= ${TARGET_AT_90}` : '', met: target ? met(oursN.perSecond >= TARGET_AT_90) : '',
        },
        {
          measure: `allocations/s at ${label}, one at a time`, value: String(Math.round(ours1.perSecond)),
          baseline: `${Math.round(naive1.perSecond)} naive`, ratio: x(ours1, naive1), target: '', met: '',
        },
        {
          measure: `p99 ms at ${label}, ${PARALLEL} in parallel`, value: oursN.p99.toFixed(1),
          baseline: `${naiveN.p99.toFixed(1)} naive`, ratio: '', target: '', met: '',
        },
      );
    }

    // the database agrees: every allocation is one active row, all distinct
    const { rows: [check] } = await sql.query<{ ours: number }>(
      "SELECT count(*)::int AS ours FROM conference_ids WHERE bridge_id = $1 AND state = 'active' AND conference_id = ANY($2::int[]) AND owner_id::text NOT LIKE '00000000-0000-4000-8000-%'",
      [s.bridgeId, [...allocated]],
    );
    if (check!.ours !== allocated.size) throw new Error(`check failed: ${check!.ours} active rows for ${allocated.size} allocations`);
    notes.push(
      `${SECONDS} s per figure; each allocation in a transaction of its own (BEGIN, the allocation, COMMIT) on a pool of ${PARALLEL + 2} with named prepared statements.`,
      `checked: ${allocated.size} allocations, all distinct, each free before, each an active row of its own.`,
      'naive: one random candidate per statement (INSERT ... ON CONFLICT DO NOTHING) until one sticks; it cannot reuse retired IDs out of quarantine.',
    );
    if (QUICK) notes.push('quick run: the 50% level is skipped (filling the bridge dominates the run time).');
    report('allocation', 'Conference-ID allocation on one bridge of 9,000,000 IDs', rows, notes);
  } finally {
    for (const c of cleanups) await c().catch((e) => console.error('cleanup:', (e as Error).message));
  }
}

async function measureBrief(db: Database, s: Setup, allocated: Set<number>, level: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const claim = {
      bridgeId: s.bridgeId, tenantId: s.tenantId, ownerKind: 'meeting' as const, ownerId: randomUUID(), leaderUserId: s.userId,
      expiresAt: new Date(Date.now() + 365 * 86_400_000), quarantineDays: 90,
    };
    await Promise.all([
      db.transaction((tx) => allocateConferenceId(tx, claim)),
      db.transaction((tx) => naiveAllocate(tx, { ...claim, ownerId: randomUUID() })),
    ]).then((rs) => rs.forEach((r) => {
      if (allocated.has(r.conference_id) || (hashFraction(r.conference_id) < level && hashFraction(r.conference_id) < REUSABLE_FROM)) throw new Error(`warm-up allocated ${r.conference_id}, which was not free`);
      allocated.add(r.conference_id);
    }));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
