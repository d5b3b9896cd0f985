// Jobs under faults: a worker that dies holding a job (its lease runs out and another worker
// finishes it), and a Redis outage mid-job (batches roll back whole and are retried; no unit
// is lost, failed or done twice). Uses a private database and a private redis-server.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/cache/redis-store.js';
import { silentLogger } from '../../src/logging.js';
import { buildOutboxWorker } from '../../src/worker.js';
import { claimDue } from '../../src/store/outbox-claims.js';
import { createHarness, expectStatus, provision, type Harness } from '../support/harness.js';
import { eventually, privateDatabase, sleep } from '../support/private-db.js';
import { freePort } from '../support/private-services.js';

let h: Harness;
let db: Awaited<ReturnType<typeof privateDatabase>>;
let redis: ChildProcess | null = null;
let redisPort = 0;
let cache: RedisStore;
const workers: { stop(): Promise<void> }[] = [];

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let k = 0; k < 100; k++) {
    if (await new Promise((r) => net.connect(redisPort, '127.0.0.1').once('connect', function (this: net.Socket) { this.end(); r(true); }).once('error', () => r(false)))) return;
    await sleep(50);
  }
  throw new Error('redis-server did not start');
}

async function stopRedis(): Promise<void> {
  const p = redis;
  redis = null;
  if (p && p.exitCode === null) await new Promise((r) => { p.once('exit', r); p.kill('SIGKILL'); });
}

function startWorker() {
  const w = buildOutboxWorker(h.services, {
    mailer: null, idlePollMs: 30, sweepEveryMs: 3_600_000,
    backoff: { firstDelayMs: 100, maxDelayMs: 400, giveUpAfterMs: 120_000 },
    lanes: [{ kind: 'job', concurrency: 1, leaseMs: 2000 }],
    jobs: { batchSize: 3, parallelism: 1 },
  });
  w.worker.start();
  workers.push(w);
  return w;
}

const job = (id: string) => expectStatus(h.api.get(`/api/v1/jobs/${id}`), 200);

async function resetsPerUser(bridgeId: string) {
  const { rows } = await h.services.db.query<{ active: number; reset: number }>(
    `SELECT count(*) FILTER (WHERE state = 'active')::int AS active, count(*) FILTER (WHERE retired_reason = 'reset')::int AS reset
       FROM conference_ids WHERE bridge_id = $1 AND owner_kind = 'user' GROUP BY owner_id`, [bridgeId]);
  return rows;
}

beforeAll(async () => {
  db = await privateDatabase('jobfaults');
  redisPort = await freePort();
  await startRedis();
  cache = new RedisStore({ url: `redis://127.0.0.1:${redisPort}` }, silentLogger);
  await cache.waitUntilReady(5000);
  h = await createHarness({ databaseUrl: db.url, cache });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  if (!redis) await startRedis();
});
afterAll(async () => {
  await h.close();
  await cache.close();
  await stopRedis();
  await db.drop();
});

describe('jobs under faults', () => {
  it('a job held by a worker that died is taken over once its lease runs out', async () => {
    const { tenant, bridge } = await provision(h, { users: 5 });
    const { jobId } = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/conference-id-resets`, { all: true, sendEmail: false }), 202);
    const held = await claimDue(h.services.db, { kind: 'job', limit: 10, leaseMs: 1500, worker: 'died' });
    expect(held.some((m) => m.payload.jobId === jobId)).toBe(true);
    startWorker();
    await sleep(700);
    expect((await job(jobId)).status).toBe('queued'); // still leased to the dead worker
    expect(await eventually(() => job(jobId), (j) => j.status === 'succeeded', 15_000)).toMatchObject({ total: 5, succeeded: 5, failed: 0 });
    for (const r of await resetsPerUser(bridge.id)) expect([r.active, r.reset]).toEqual([1, 1]);
  });

  it('a Redis outage mid-job rolls batches back and the job resumes when Redis is back', async () => {
    const { tenant, bridge } = await provision(h, { users: 24 });
    const { jobId } = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/conference-id-resets`, { all: true, sendEmail: false }), 202);
    startWorker();
    await eventually(() => job(jobId), (j) => j.succeeded >= 3, 15_000, 5);
    await stopRedis();
    await sleep(300);
    const during = await job(jobId);
    expect(during.failed).toBe(0);
    expect(during.succeeded).toBeLessThan(24); // Redis stopped mid-job, not after it
    await sleep(1200);
    const stalled = await job(jobId);
    expect(stalled.succeeded).toBe(during.succeeded); // nothing commits while the cache cannot be told
    expect(stalled.status).toBe('running');
    const { rows } = await h.services.db.query<{ last_error: string | null }>("SELECT last_error FROM outbox WHERE kind = 'job' AND payload->>'jobId' = $1", [jobId]);
    expect(rows[0]!.last_error).toMatch(/cache/i);
    await startRedis();
    expect(await eventually(() => job(jobId), (j) => j.status === 'succeeded', 30_000)).toMatchObject({ total: 24, succeeded: 24, failed: 0 });
    const per = await resetsPerUser(bridge.id);
    expect(per).toHaveLength(24);
    for (const r of per) expect([r.active, r.reset]).toEqual([1, 1]);
    // the directory answers from the new IDs, not the old ones
    const users = await h.services.db.query<{ conference_id: number; state: string }>(
      "SELECT conference_id, state FROM conference_ids WHERE bridge_id = $1 AND owner_kind = 'user'", [bridge.id]);
    for (const r of users.rows.slice(0, 6)) {
      expect((await h.services.directory.lookupConferenceId(bridge.id, r.conference_id)).status).toBe(r.state === 'active' ? 'active' : 'retired');
    }
  });
});
