// `npx tsx bench/admin.ts`: conference-ID resets per second through the real admin API, one at a
// time and 32 in flight, next to the same service's cheapest authenticated requests at the same
// concurrency (GET /api/v1/me: framework + auth; GET of a user: + one PostgreSQL read), measured
// in the same run. The service runs as a child process (node --import tsx src/main.ts) on a
// private database and a private Redis; the load generator (keep-alive node:http) runs here.
//
//   --duration S   seconds per run (default 8; 3 with BENCH_QUICK=1)   --rounds N  (default 2)
//   --users N      users to reset, spread over the workers (default 4000)
//   --cpu-prof     V8 CPU profile of the service in bench/profiles/ (see bench/profile-summary.ts)
// Environment passed on to the service when set: DATABASE_POOL_SIZE, DATABASE_PREPARED_STATEMENTS.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashPin, leaderPinKey } from '../src/domain/pins.js';
import {
  createDatabase, freePort, met, processCpuUs, QUICK, report, startRedis, startService, stopProcess, waitReady, type BenchDatabase, type BenchRedis, type Figure,
} from './lib.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: QUICK ? '3' : '8' },
    rounds: { type: 'string', default: QUICK ? '1' : '2' },
    users: { type: 'string', default: QUICK ? '2000' : '4000' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const DURATION_MS = Number(args.duration) * 1000;
const ROUNDS = Number(args.rounds);
const USERS = Number(args.users);
const PARALLEL = 32;
const TARGET_PARALLEL = 500;
const ADMIN_KEY = 'bench-' + randomBytes(24).toString('hex');

const agent = new http.Agent({ keepAlive: true, maxSockets: PARALLEL * 2 });
let base = { host: '127.0.0.1', port: 0 };

function request(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      ...base, agent, method, path,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) as Record<string, unknown> : {} });
        } catch {
          reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function api(method: string, path: string, body?: unknown): Promise<Record<string, string>> {
  const r = await request(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json as Record<string, string>;
}

/** CPU time of every PostgreSQL process (backends, WAL writer, ...): the database's share. */
function postgresCpuUs(): number | null {
  try {
    let sum = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) continue;
        sum += processCpuUs(Number(pid)) ?? 0;
      } catch { /* gone */ }
    }
    return sum;
  } catch {
    return null;
  }
}

interface Run {
  perSecond: number; count: number; p50: number; p99: number;
  /** CPU µs per request: the service, PostgreSQL (all of it, other users included), this load generator. */
  cpuUsPerRequest: number | null; databaseUsPerRequest: number | null; loaderUsPerRequest: number;
}

/**
 * A closed loop: `workers` requests in flight for DURATION_MS; worker w calls `one(w, i)` for its
 * i-th request, which throws on a wrong answer.
 */
async function run(server: ChildProcess, workers: number, one: (w: number, i: number) => Promise<void>): Promise<Run> {
  const latencies: number[] = [];
  const cpuBefore = processCpuUs(server.pid);
  const pgBefore = postgresCpuUs();
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + DURATION_MS;
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; performance.now() < deadline; i++) {
      const t = performance.now();
      await one(w, i);
      latencies.push(performance.now() - t);
    }
  }));
  const elapsed = performance.now() - started;
  const cpuAfter = processCpuUs(server.pid);
  const pgAfter = postgresCpuUs();
  const own = process.cpuUsage(ownBefore);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return {
    perSecond: (latencies.length * 1000) / elapsed, count: latencies.length, p50: q(0.5), p99: q(0.99),
    cpuUsPerRequest: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / latencies.length,
    databaseUsPerRequest: pgBefore === null || pgAfter === null ? null : (pgAfter - pgBefore) / latencies.length,
    loaderUsPerRequest: (own.user + own.system) / latencies.length,
  };
}

async function main(): Promise<void> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const redis: BenchRedis = await startRedis();
    cleanups.unshift(() => redis.stop());
    const db: BenchDatabase = await createDatabase();
    cleanups.unshift(() => db.drop());
    const port = await freePort();
    base = { host: '127.0.0.1', port };
    const env: Record<string, string> = {
      NODE_ENV: 'production', PORT: String(port), PUBLIC_BASE_URL: 'https://attendant.example.com', DATABASE_URL: db.url,
      REDIS_URL: redis.url, TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'), BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      SECRETS_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', RUN_WORKER: 'false',
      // the default 6,000 admin requests per key per minute would cap a 500/s run
      ADMIN_RATE_LIMIT_PER_MIN: '100000000',
    };
    for (const name of ['DATABASE_POOL_SIZE', 'DATABASE_PREPARED_STATEMENTS']) if (process.env[name]) env[name] = process.env[name]!;
    const server = startService(env, { cpuProf: args['cpu-prof'] });
    cleanups.unshift(() => stopProcess(server));
    await waitReady(`http://127.0.0.1:${port}/readyz`);

    // ---- a bridge, a number and a tenant through the API; USERS users with IDs by SQL ----------
    const bridge = await api('POST', '/api/v1/bridges', { name: 'bench' });
    await api('PUT', `/api/v1/dial-in-numbers/${encodeURIComponent('+14155550100')}`, { bridgeId: bridge.id, type: 'toll' });
    await api('PATCH', `/api/v1/bridges/${bridge.id}`, { defaultTollNumber: '+14155550100' });
    const tenant = await api('POST', '/api/v1/tenants', { name: 'bench', bridgeId: bridge.id, sendEmailByDefault: false });
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    cleanups.unshift(() => sql.end());
    await sql.query(
      `INSERT INTO users (tenant_id, email, display_name, provider, leader_pin_hash, conference_id_updated_at)
       SELECT $1, 'user' || i || '@bench.example.com', 'User ' || i, 'builtin', $2, now() FROM generate_series(1, $3) AS i`,
      [tenant.id, await hashPin('24680', leaderPinKey({ key: Buffer.alloc(32), ephemeral: true })), USERS],
    );
    // 7919 is prime to 9,000,000, so i -> 1,000,000 + (i * 7919 mod 9,000,000) gives distinct IDs
    await sql.query(
      `INSERT INTO conference_ids (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, quarantine_until)
       SELECT $1, 1000000 + ((row_number() OVER (ORDER BY id)) * 7919) % 9000000, $2, 'user', id, id, 'active', NULL
         FROM users WHERE tenant_id = $2`,
      [bridge.id, tenant.id],
    );
    await sql.query('ANALYZE');
    const { rows: users } = await sql.query<{ id: string; conference_id: number }>(
      "SELECT owner_id AS id, conference_id FROM conference_ids WHERE tenant_id = $1 AND state = 'active' ORDER BY owner_id", [tenant.id],
    );
    const current = new Map(users.map((u) => [u.id, String(u.conference_id)]));
    const userPath = (id: string) => `/api/v1/tenants/${tenant.id}/users/${id}`;

    // Each worker resets its own users in turn (no two requests wait for the same user's lock)
    // and checks the answer: 200, the ID it last saw as previous, a new 7-digit ID.
    let resets = 0;
    const seen = new Set<string>();
    const reset = (workers: number) => async (w: number, i: number) => {
      const per = Math.floor(users.length / workers);
      const user = users[w * per + (i % per)]!;
      const r = await request('POST', `${userPath(user.id)}/conference-id/reset`, { sendEmail: false });
      const id = r.json.conferenceId as string;
      if (r.status !== 200 || r.json.previousConferenceId !== current.get(user.id) || !/^[1-9]\d{6}$/.test(id) || seen.has(id)) {
        throw new Error(`reset of ${user.id}: ${r.status} ${JSON.stringify(r.json)} (expected previous ${current.get(user.id)})`);
      }
      seen.add(id);
      current.set(user.id, id);
      resets++;
    };
    const getUser = async (w: number, i: number) => {
      const user = users[(w * 97 + i) % users.length]!;
      const r = await request('GET', userPath(user.id));
      if (r.status !== 200 || r.json.id !== user.id) throw new Error(`GET user: ${r.status}`);
    };
    const me = async () => {
      const r = await request('GET', '/api/v1/me');
      if (r.status !== 200) throw new Error(`GET me: ${r.status}`);
    };

    // warm-up: JIT, pools, prepared statements on every connection
    for (const [workers, fn] of [[PARALLEL, me], [PARALLEL, getUser], [PARALLEL, reset(PARALLEL)]] as const) {
      await Promise.all(Array.from({ length: workers }, async (_, w) => {
        for (let i = 0; i < 20; i++) await fn(w, i + 1_000_000);
      }));
    }

    const results: Record<string, Run[]> = { meP: [], getP: [], getS: [], resetS: [], resetP: [] };
    for (let round = 0; round < ROUNDS; round++) {
      results.getS!.push(await run(server, 1, getUser));
      results.resetS!.push(await run(server, 1, reset(1)));
      results.meP!.push(await run(server, PARALLEL, me));
      results.getP!.push(await run(server, PARALLEL, getUser));
      results.resetP!.push(await run(server, PARALLEL, reset(PARALLEL)));
    }

    // ---- the database agrees: one active ID per user, the one last answered; every reset retired one
    const { rows: [check] } = await sql.query<{ active: number; retired: number; mismatched: number }>(
      `SELECT count(*) FILTER (WHERE state = 'active')::int AS active, count(*) FILTER (WHERE retired_reason = 'reset')::int AS retired,
              count(*) FILTER (WHERE state = 'active' AND conference_id::text <> ($2::jsonb ->> owner_id::text))::int AS mismatched
         FROM conference_ids WHERE tenant_id = $1`,
      [tenant.id, JSON.stringify(Object.fromEntries(current))],
    );
    if (check!.active !== users.length || check!.retired !== resets || check!.mismatched !== 0) {
      throw new Error(`check failed: ${JSON.stringify(check)} after ${resets} resets of ${users.length} users`);
    }

    const mean = (rs: Run[], f: (r: Run) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
    const rate = (rs: Run[]) => Math.round(mean(rs, (r) => r.perSecond));
    const cpu = (rs: Run[]) => (rs.every((r) => r.cpuUsPerRequest !== null) ? `${Math.round(mean(rs, (r) => r.cpuUsPerRequest!))} µs` : 'n/a');
    const pgCpu = (rs: Run[]) => (rs.every((r) => r.databaseUsPerRequest !== null) ? `${Math.round(mean(rs, (r) => r.databaseUsPerRequest!))} µs` : 'n/a');
    const loaderCpu = (rs: Run[]) => `${Math.round(mean(rs, (r) => r.loaderUsPerRequest))} µs`;
    const lat = (rs: Run[]) => `p50 ${mean(rs, (r) => r.p50).toFixed(1)} ms, p99 ${mean(rs, (r) => r.p99).toFixed(1)} ms`;
    const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    const rows: Figure[] = [
      { measure: `resets/s, ${PARALLEL} in flight`, value: String(rate(results.resetP!)), baseline: `${rate(results.getP!)} GET user/s`, ratio: x(rate(results.resetP!), rate(results.getP!)), target: `>= ${TARGET_PARALLEL}`, met: met(rate(results.resetP!) >= TARGET_PARALLEL) },
      { measure: 'resets/s, one at a time', value: String(rate(results.resetS!)), baseline: `${rate(results.getS!)} GET user/s`, ratio: x(rate(results.resetS!), rate(results.getS!)), target: '', met: '' },
      { measure: `reset latency, ${PARALLEL} in flight`, value: lat(results.resetP!), baseline: lat(results.getP!), ratio: '', target: '', met: '' },
      { measure: `service CPU per reset, ${PARALLEL} in flight`, value: cpu(results.resetP!), baseline: `${cpu(results.getP!)} per GET user`, ratio: '', target: '', met: '' },
      { measure: `PostgreSQL CPU per reset, ${PARALLEL} in flight`, value: pgCpu(results.resetP!), baseline: `${pgCpu(results.getP!)} per GET user`, ratio: '', target: '', met: '' },
      { measure: `load generator CPU per reset, ${PARALLEL} in flight`, value: loaderCpu(results.resetP!), baseline: `${loaderCpu(results.getP!)} per GET user`, ratio: '', target: '', met: '' },
      { measure: `GET /api/v1/me/s, ${PARALLEL} in flight (framework + auth floor)`, value: String(rate(results.meP!)), baseline: `${cpu(results.meP!)} CPU/req`, ratio: x(rate(results.resetP!), rate(results.meP!)), target: '', met: '' },
    ];
    report('admin', 'Admin API: conference-ID resets through HTTP', rows, [
      `${ROUNDS} round(s) of ${DURATION_MS / 1000} s per figure; ${users.length} users, each worker resetting its own; sendEmail false; no meetings.`,
      `checked: every answer 200 with the previous ID as last seen and a never-seen new ID; the database holds one active ID per user, the last one answered, and ${resets} retired by resets.`,
      `service: ${process.env.DATABASE_POOL_SIZE ? `DATABASE_POOL_SIZE=${process.env.DATABASE_POOL_SIZE}` : 'default pool'}${process.env.DATABASE_PREPARED_STATEMENTS ? `, DATABASE_PREPARED_STATEMENTS=${process.env.DATABASE_PREPARED_STATEMENTS}` : ''}; load generator in the bench process on the same ${os.cpus().length}-core machine.`,
    ]);
  } finally {
    agent.destroy();
    for (const c of cleanups) await c().catch((e) => console.error('cleanup:', (e as Error).message));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
