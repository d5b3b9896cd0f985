// `npm run bench:bulk`: how long a bulk conference-ID reset of a whole tenant takes.
// Makes its own PostgreSQL database and its own Redis (a private redis-server on a free port),
// loads BENCH_USERS users (default 100,000) with SQL, requests the reset as the API does, runs
// the outbox worker(s) until the job is done, checks every user was reset exactly once, and
// cleans up. Knobs: BENCH_USERS, BENCH_WORKERS (1), BENCH_BATCH (100), BENCH_PARALLELISM (2),
// BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logging.js';
import { Metrics } from '../src/metrics.js';
import { RedisStore } from '../src/cache/redis-store.js';
import { hashPin } from '../src/conferencing/pins.js';
import { requestBulkReset } from '../src/jobs/bulk-reset.js';
import { buildOutboxWorker } from '../src/outbox/build-worker.js';
import { migrate } from '../src/store/migrate.js';
import { buildServices } from '../src/wiring.js';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const PARALLELISM = Number(process.env.BENCH_PARALLELISM ?? 2);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = net.createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address() as net.AddressInfo;
    s.close(() => resolve(port));
  });
});

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function main(): Promise<void> {
  const name = `bench_bulk_${randomBytes(4).toString('hex')}`;
  const dbUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await adminQuery(`CREATE DATABASE ${name}`);
  const cleanups: (() => Promise<void>)[] = [
    async () => { redis.kill('SIGKILL'); },
    async () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  ];
  try {
    await migrate(dbUrl, silentLogger);
    const config = loadConfig({
      NODE_ENV: 'test', DATABASE_URL: dbUrl, REDIS_URL: `redis://127.0.0.1:${redisPort}`, SECRETS_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: String(4 + WORKERS * PARALLELISM * 2),
    });
    const cache = new RedisStore({ url: `redis://127.0.0.1:${redisPort}` }, silentLogger);
    await cache.waitUntilReady(10_000);
    const s = buildServices(config, silentLogger, dbUrl, cache, new Metrics({ defaultMetrics: false }));
    cleanups.unshift(async () => { await s.db.close(); await cache.close(); });

    // ---- load: a bridge, a number, a tenant and USERS builtin users with distinct IDs --------
    const t0 = Date.now();
    const pinHash = await hashPin('24680');
    const { rows: [setup] } = await s.db.query<{ bridge_id: string; tenant_id: string }>(
      `WITH b AS (INSERT INTO bridges (name) VALUES ('bench') RETURNING id),
            n AS (INSERT INTO dial_in_numbers (number, bridge_id, type) SELECT '+14155550100', id, 'toll' FROM b RETURNING bridge_id),
            t AS (INSERT INTO tenants (name, bridge_id, send_email_by_default) SELECT 'bench tenant', bridge_id, false FROM n RETURNING id, bridge_id)
       SELECT bridge_id, id AS tenant_id FROM t`,
    );
    await s.db.query("UPDATE bridges SET default_toll_number = '+14155550100' WHERE id = $1", [setup!.bridge_id]);
    await s.db.query(
      `INSERT INTO users (tenant_id, email, display_name, provider, leader_pin_hash, conference_id_updated_at)
       SELECT $1, 'user' || i || '@bench.example.com', 'User ' || i, 'builtin', $2, now() FROM generate_series(1, $3) AS i`,
      [setup!.tenant_id, pinHash, USERS],
    );
    // 7919 is prime to 9,000,000, so i -> 1,000,000 + (i * 7919 mod 9,000,000) gives distinct IDs
    await s.db.query(
      `INSERT INTO conference_ids (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, quarantine_until)
       SELECT $1, 1000000 + ((row_number() OVER (ORDER BY id)) * 7919) % 9000000, $2, 'user', id, id, 'active', NULL
         FROM users WHERE tenant_id = $2`,
      [setup!.bridge_id, setup!.tenant_id],
    );
    await s.db.query('ANALYZE');
    console.log(`loaded ${USERS} users in ${seconds(Date.now() - t0)} s`);

    // ---- the reset: request as the API does, then run the worker(s) ----------------------------
    const t1 = Date.now();
    const { jobId, total } = await requestBulkReset(s, { apiKeyId: null, name: 'bench' }, { tenantId: setup!.tenant_id, all: true, sendEmail: false });
    const requestMs = Date.now() - t1;
    console.log(`requested: job ${jobId}, ${total} units, in ${requestMs} ms`);
    const workers = Array.from({ length: WORKERS }, () => buildOutboxWorker(s, { mailer: null, idlePollMs: 50, sweepEveryMs: 3_600_000, jobs: { batchSize: BATCH, parallelism: PARALLELISM } }));
    const t2 = Date.now();
    for (const w of workers) w.worker.start();
    let last = 0;
    for (;;) {
      const { rows: [j] } = await s.db.query<{ status: string; succeeded: number; failed: number }>('SELECT status, succeeded, failed FROM jobs WHERE id = $1', [jobId]);
      if (j!.status === 'succeeded' || j!.status === 'failed') {
        console.log(`job ${j!.status}: ${j!.succeeded} succeeded, ${j!.failed} failed`);
        break;
      }
      if (Date.now() - last > 10_000) {
        last = Date.now();
        console.log(`  ${seconds(Date.now() - t2)} s: ${j!.succeeded} done (${Math.round(j!.succeeded / ((Date.now() - t2) / 1000))}/s)`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const runMs = Date.now() - t2;
    await Promise.all(workers.map((w) => w.stop()));

    const { rows: [check] } = await s.db.query<{ active: number; reset: number; users_ok: number }>(
      `SELECT count(*) FILTER (WHERE state = 'active')::int AS active, count(*) FILTER (WHERE retired_reason = 'reset')::int AS reset,
              (SELECT count(*)::int FROM (SELECT owner_id FROM conference_ids WHERE bridge_id = $1 GROUP BY owner_id
                 HAVING count(*) FILTER (WHERE state = 'active') = 1 AND count(*) FILTER (WHERE retired_reason = 'reset') = 1) x) AS users_ok
         FROM conference_ids WHERE bridge_id = $1`,
      [setup!.bridge_id],
    );
    console.log(`check: ${check!.active} active, ${check!.reset} retired by the reset, ${check!.users_ok} users reset exactly once`);
    console.log(`RESULT bulk reset of ${USERS} users: ${seconds(requestMs + runMs)} s in total (request ${seconds(requestMs)} s, worker ${seconds(runMs)} s, `
      + `${Math.round(USERS / (runMs / 1000))} users/s; workers=${WORKERS} parallelism=${PARALLELISM} batch=${BATCH})`);
    if (check!.users_ok !== USERS) process.exitCode = 1;
  } finally {
    for (const c of cleanups) await c().catch((e) => console.error('cleanup:', (e as Error).message));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
