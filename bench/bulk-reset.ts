// A bulk conference-ID reset of a whole tenant (default 100,000 users; --quick 10,000), next to
// the same resets made one at a time (changeConferenceId per user, as the admin API does it) in
// the same run. Makes its own database and Redis, loads the users with SQL, requests the job as
// the API does, runs the outbox worker(s) until it is done, checks every user was reset exactly
// once, and cleans up. Knobs: BENCH_USERS, BENCH_WORKERS (1), BENCH_BATCH (100),
// BENCH_PARALLELISM (2), BENCH_SERIAL_USERS (1,000; the baseline's sample).
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { changeConferenceId } from '../src/commands/change-conference-id.js';
import { hashPin, leaderPinKey } from '../src/domain/pins.js';
import { RedisStore } from '../src/cache/redis-store.js';
import { requestBulkReset } from '../src/commands/request-bulk-reset.js';
import { silentLogger } from '../src/logging.js';
import { Metrics } from '../src/metrics.js';
import { buildOutboxWorker } from '../src/worker.js';
import type { Services } from '../src/services.js';
import { buildServices } from '../src/wiring.js';
import { createDatabase, QUICK, report, startRedis } from './lib.js';

const USERS = Number(process.env.BENCH_USERS ?? (QUICK ? 10_000 : 100_000));
const SERIAL_USERS = Number(process.env.BENCH_SERIAL_USERS ?? (QUICK ? 200 : 1_000));
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const PARALLELISM = Number(process.env.BENCH_PARALLELISM ?? 2);
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const actor = { apiKeyId: null, name: 'bench' };

/** A tenant on the bridge with `count` builtin users holding distinct active IDs (SQL, fast). */
async function loadTenant(s: Services, bridgeId: string, name: string, count: number, firstId: number): Promise<string> {
  const pinHash = await hashPin('24680', leaderPinKey({ key: Buffer.alloc(32), ephemeral: true }));
  const { rows: [t] } = await s.db.query<{ id: string }>("INSERT INTO tenants (name, bridge_id, send_email_by_default) VALUES ($1, $2, false) RETURNING id", [name, bridgeId]);
  await s.db.query(
    `INSERT INTO users (tenant_id, email, display_name, provider, leader_pin_hash, conference_id_updated_at)
     SELECT $1, 'user' || i || '@' || $3 || '.example.com', 'User ' || i, 'builtin', $2, now() FROM generate_series(1, $4) AS i`,
    [t!.id, pinHash, name, count],
  );
  // 7919 is prime to 9,000,000, so n -> 1,000,000 + ((first + n) * 7919 mod 9,000,000) gives distinct IDs.
  await s.db.query(
    `INSERT INTO conference_ids (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, quarantine_until)
     SELECT $1, 1000000 + (($3 + row_number() OVER (ORDER BY id)) * 7919) % 9000000, $2, 'user', id, id, 'active', NULL
       FROM users WHERE tenant_id = $2`,
    [bridgeId, t!.id, firstId],
  );
  return t!.id;
}

async function main(): Promise<void> {
  const db = await createDatabase();
  const redis = await startRedis();
  const cleanups: (() => Promise<void>)[] = [() => redis.stop(), () => db.drop()];
  try {
    const config = loadConfig({
      NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL: redis.url, SECRETS_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: String(4 + WORKERS * PARALLELISM * 2),
    });
    const cache = new RedisStore({ url: redis.url }, silentLogger);
    await cache.waitUntilReady(10_000);
    const s = buildServices(config, silentLogger, db.url, cache, new Metrics({ defaultMetrics: false }));
    cleanups.unshift(async () => { await s.db.close(); await cache.close(); });

    const t0 = Date.now();
    const { rows: [b] } = await s.db.query<{ id: string }>("INSERT INTO bridges (name) VALUES ('bench') RETURNING id");
    const bridgeId = b!.id;
    await s.db.query("INSERT INTO dial_in_numbers (number, bridge_id, type) VALUES ('+14155550100', $1, 'toll')", [bridgeId]);
    await s.db.query("UPDATE bridges SET default_toll_number = '+14155550100' WHERE id = $1", [bridgeId]);
    const tenantId = await loadTenant(s, bridgeId, 'bulk', USERS, 0);
    const serialTenantId = await loadTenant(s, bridgeId, 'serial', SERIAL_USERS, USERS);
    await s.db.query('ANALYZE');
    console.log(`loaded ${USERS} + ${SERIAL_USERS} users in ${seconds(Date.now() - t0)} s`);

    // Baseline: the same reset, one user at a time, as the admin API's reset route does it.
    const { rows: serialUsers } = await s.db.query<{ id: string }>('SELECT id FROM users WHERE tenant_id = $1', [serialTenantId]);
    const t1 = Date.now();
    for (const u of serialUsers) await changeConferenceId(s, actor, { tenantId: serialTenantId, userId: u.id, sendEmail: false });
    const serialPerSecond = SERIAL_USERS / ((Date.now() - t1) / 1000);

    // The bulk job: requested as the API does, then run by the worker(s).
    const t2 = Date.now();
    const { jobId, total } = await requestBulkReset(s, actor, { tenantId, all: true, sendEmail: false });
    const requestMs = Date.now() - t2;
    console.log(`requested: job ${jobId}, ${total} units, in ${requestMs} ms`);
    const workers = Array.from({ length: WORKERS }, () => buildOutboxWorker(s, { mailer: null, idlePollMs: 50, sweepEveryMs: 3_600_000, jobs: { batchSize: BATCH, parallelism: PARALLELISM } }));
    const t3 = Date.now();
    for (const w of workers) w.worker.start();
    let last = Date.now();
    for (;;) {
      const { rows: [j] } = await s.db.query<{ status: string; succeeded: number; failed: number }>('SELECT status, succeeded, failed FROM jobs WHERE id = $1', [jobId]);
      if (j!.status === 'succeeded' || j!.status === 'failed') {
        console.log(`job ${j!.status}: ${j!.succeeded} succeeded, ${j!.failed} failed`);
        break;
      }
      if (Date.now() - last > 10_000) {
        last = Date.now();
        console.log(`  ${seconds(Date.now() - t3)} s: ${j!.succeeded} done (${Math.round(j!.succeeded / ((Date.now() - t3) / 1000))}/s)`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const runMs = Date.now() - t3;
    await Promise.all(workers.map((w) => w.stop()));

    const { rows: [check] } = await s.db.query<{ users_ok: number }>(
      `SELECT count(*)::int AS users_ok FROM (
         SELECT x.owner_id FROM conference_ids x JOIN users u ON u.id = x.owner_id AND u.tenant_id = $1
          GROUP BY x.owner_id HAVING count(*) FILTER (WHERE x.state = 'active') = 1 AND count(*) FILTER (WHERE x.retired_reason = 'reset') = 1) ok`,
      [tenantId],
    );
    const bulkPerSecond = USERS / (runMs / 1000);
    report('bulk', `Bulk reset of ${USERS.toLocaleString('en')} users (workers=${WORKERS}, parallelism=${PARALLELISM}, batch=${BATCH})`, [
      {
        measure: `bulk reset, ${USERS.toLocaleString('en')} users`, value: `${seconds(requestMs + runMs)} s (${Math.round(bulkPerSecond)} users/s)`,
        baseline: `one at a time: ${Math.round(serialPerSecond)} resets/s (${SERIAL_USERS} users)`, ratio: `${(bulkPerSecond / serialPerSecond).toFixed(2)}x`, target: '', met: '',
      },
    ], [`request ${seconds(requestMs)} s, worker ${seconds(runMs)} s; check: ${check!.users_ok} of ${USERS} users reset exactly once`]);
    if (check!.users_ok !== USERS) {
      console.error('the check failed: not every user was reset exactly once');
      process.exitCode = 1;
    }
  } finally {
    for (const c of cleanups) await c().catch((e) => console.error('cleanup:', (e as Error).message));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
