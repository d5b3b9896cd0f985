// `npm run bench:voice`: requests per second and latency of the ID-entry webhook (an active ID,
// answered with the organizer step) at 32 concurrent connections, next to a naive baseline
// (bench/naive-server.ts) and a floor (bench/floor-server.ts: bare node:http, constant answer)
// measured in the same run. Each server and the load generator (bench/load.ts: wrk or
// autocannon) run in processes of their own; the runs alternate.
//
//   --duration S     seconds per run (default 10)      --rounds N   runs per server (default 2)
//   --connections N  (default 32)                      --cpu-prof   write V8 CPU profiles of the
//   --loader wrk|autocannon (default: wrk when                      servers to bench/profiles/
//                    installed: apt-get install -y wrk)             (see bench/profile-summary.ts)
// Needs PostgreSQL (TEST_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres) and
// Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379); it makes a database and a key prefix
// of its own and removes both afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { sign } from '../src/simulator/twilio.js';
import { VoiceUrls } from '../src/voice/urls.js';
import { wrkInstalled, type LoadResult } from './load.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    'cpu-prof': { type: 'boolean', default: false },
    loader: { type: 'string' },
  },
});
const DURATION = Number(args.duration);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const LOADER = (args.loader ?? (wrkInstalled() ? 'wrk' : 'autocannon')) as 'wrk' | 'autocannon';
const PG_ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PUBLIC_BASE_URL = 'https://attendant.example.com';
const TOKEN = randomBytes(16).toString('hex');
const ADMIN_KEY = 'bench-' + randomBytes(24).toString('hex');
const tag = randomBytes(4).toString('hex');
const DB_NAME = `attendant_bench_${tag}`;
const PREFIX = `bench-${tag}:`;
const PROFILE_DIR = 'bench/profiles';


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

function start(script: string, env: Record<string, string>): ChildProcess {
  const flags = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => { if (code && code !== 0) console.error(`${script} exited with ${code ?? signal}`); });
  return child;
}

async function waitReady(url: string): Promise<void> {
  for (let k = 0; k < 300; k++) {
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error(`${url} not ready`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });
}

function load(url: string, body: string, headers: Record<string, string>, duration: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', JSON.stringify({ url, body, headers, connections: CONNECTIONS, duration, loader: LOADER })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited with ${code}`))));
  });
}

type Measured = LoadResult & { cpuUsPerRequest: number | null };
type Results = Record<'attendant' | 'naive' | 'floor', Measured[]>;

/** CPU time (user + system, µs) a process has used so far; null where /proc is missing. */
function cpuUs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** One load run, with the server's CPU time per request: steadier than req/s on a busy machine. */
async function measure(server: ChildProcess, url: string, body: string, headers: Record<string, string>): Promise<Measured> {
  const before = cpuUs(server.pid);
  const r = await load(url, body, headers, DURATION);
  const after = cpuUs(server.pid);
  return { ...r, cpuUsPerRequest: before === null || after === null ? null : (after - before) / r.total };
}

async function admin(base: string, method: string, path: string, body: unknown) {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, string>>;
}

async function main() {
  if (args['cpu-prof']) mkdirSync(PROFILE_DIR, { recursive: true });
  const pgAdmin = new pg.Client({ connectionString: PG_ADMIN });
  await pgAdmin.connect();
  await pgAdmin.query(`CREATE DATABASE ${DB_NAME}`);
  const dbUrl = new URL(PG_ADMIN);
  dbUrl.pathname = `/${DB_NAME}`;
  const redis = new Redis(REDIS_URL);
  const servers: ChildProcess[] = [];
  try {
    const ours = await freePort();
    const naive = await freePort();
    servers.push(start('src/main.ts', {
      NODE_ENV: 'production', PORT: String(ours), PUBLIC_BASE_URL, DATABASE_URL: dbUrl.toString(), REDIS_URL, REDIS_KEY_PREFIX: PREFIX,
      TWILIO_AUTH_TOKEN: TOKEN, BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, SECRETS_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', RUN_WORKER: 'false',
    }));
    servers.push(start('bench/naive-server.ts', { PORT: String(naive), REDIS_URL, KEY: `${PREFIX}naive:`, PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN: TOKEN }));
    const floor = await freePort();
    servers.push(start('bench/floor-server.ts', { PORT: String(floor) }));
    const oursBase = `http://127.0.0.1:${ours}`;
    const naiveBase = `http://127.0.0.1:${naive}`;
    const floorBase = `http://127.0.0.1:${floor}`;
    await Promise.all([waitReady(`${oursBase}/readyz`), waitReady(`${naiveBase}/healthz`), waitReady(`${floorBase}/`)]);

    // One organizer on a bridge of its own; the naive server gets the same answer in one key.
    const bridge = await admin(oursBase, 'POST', '/api/v1/bridges', { name: 'bench' });
    const number = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    await admin(oursBase, 'PUT', `/api/v1/dial-in-numbers/${encodeURIComponent(number)}`, { bridgeId: bridge.id, type: 'toll' });
    const tenant = await admin(oursBase, 'POST', '/api/v1/tenants', { name: 'bench', bridgeId: bridge.id });
    const user = await admin(oursBase, 'POST', `/api/v1/tenants/${tenant.id}/users`, { email: `bench.${tag}@example.com`, displayName: 'Bench', sendEmail: false });
    const id = user.conferenceId!;
    await redis.set(`${PREFIX}naive:${id}`, JSON.stringify({ room: `room-bench-${tag}` }));

    const urls = new VoiceUrls(PUBLIC_BASE_URL);
    const publicUrl = urls.step('entry', { bridgeId: bridge.id!, language: 'en-US', languages: ['en-US'], menu: false, failures: 0 });
    const path = publicUrl.slice(PUBLIC_BASE_URL.length);
    const params = {
      AccountSid: 'AC' + '0'.repeat(32), ApiVersion: '2010-04-01', CallSid: 'CA' + randomBytes(16).toString('hex'), CallStatus: 'in-progress',
      Called: number, Caller: '+15005550006', Digits: id, Direction: 'inbound', FinishedOnKey: '#', From: '+15005550006', FromCountry: 'US', To: number, ToCountry: 'US',
    };
    const body = new URLSearchParams(params).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(TOKEN, publicUrl, params) };

    // Both must answer the organizer step before they are measured; the warm-up also lets the
    // service rebuild and trust the cache, so that it answers from Redis alone.
    for (const [name, base] of [['attendant', oursBase], ['naive', naiveBase]] as const) {
      const res = await fetch(base + path, { method: 'POST', body, headers });
      const text = await res.text();
      if (res.status !== 200 || !/<Gather[^>]*leader/.test(text)) throw new Error(`${name} answered ${res.status}: ${text}`);
    }
    await Promise.all([load(oursBase + path, body, headers, 3), load(naiveBase + path, body, headers, 3)]);
    const cacheBefore = await cacheLookups(oursBase);

    const results: Results = { attendant: [], naive: [], floor: [] };
    for (let round = 0; round < ROUNDS; round++) {
      results.naive.push(await measure(servers[1]!, naiveBase + path, body, headers));
      results.attendant.push(await measure(servers[0]!, oursBase + path, body, headers));
      results.floor.push(await measure(servers[2]!, floorBase + path, body, headers));
    }
    const cacheAfter = await cacheLookups(oursBase);
    report(results, cacheAfter.cache - cacheBefore.cache, cacheAfter.database - cacheBefore.database);
  } finally {
    await Promise.all(servers.map(stop));
    await deleteKeys(redis);
    redis.disconnect();
    await pgAdmin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await pgAdmin.end();
  }
}

/** Active-ID lookups answered from the cache and from the database so far (Prometheus). */
async function cacheLookups(base: string): Promise<{ cache: number; database: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const count = (source: string) => Number(new RegExp(`attendant_directory_lookups_total\\{result="active",source="${source}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { cache: count('cache'), database: count('database') };
}

function report(results: Results, fromCache: number, fromDatabase: number) {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const row = (name: string, rs: Measured[]) => ({
    server: name,
    'req/s': Math.round(mean(rs.map((r) => r.requestsPerSecond))),
    'p50 ms': mean(rs.map((r) => r.p50)).toFixed(2),
    'p99 ms': mean(rs.map((r) => r.p99)).toFixed(2),
    'max ms': Math.max(...rs.map((r) => r.max)),
    'server CPU µs/req': rs.every((r) => r.cpuUsPerRequest !== null) ? Math.round(mean(rs.map((r) => r.cpuUsPerRequest!))) : 'n/a',
    requests: rs.reduce((a, r) => a + r.total, 0),
    'errors+non2xx': rs.reduce((a, r) => a + r.errors + r.non2xx, 0),
  });
  const ours = row('attendant (src/voice)', results.attendant);
  const naive = row('naive baseline', results.naive);
  const floor = row('floor: bare node:http', results.floor);
  console.log(`\nID-entry webhook, ${CONNECTIONS} connections, ${ROUNDS} x ${DURATION} s per server, alternating; load from ${LOADER} (node ${process.version})`);
  console.table([ours, naive, floor]);
  const ratio = ours['req/s'] / naive['req/s'];
  const runs = (rs: Measured[]) => rs.map((r) => `${Math.round(r.requestsPerSecond)} req/s p99 ${r.p99.toFixed(1)} ms`).join('; ');
  console.log(`per run: attendant ${runs(results.attendant)}\n         naive ${runs(results.naive)}\n         floor ${runs(results.floor)}`);
  console.log(`attendant / naive: ${ratio.toFixed(2)}x req/s (target >= 2x); attendant p99 ${ours['p99 ms']} ms (target <= 10 ms)`);
  if (typeof ours['server CPU µs/req'] === 'number' && typeof naive['server CPU µs/req'] === 'number') {
    console.log(`server CPU per request: attendant ${ours['server CPU µs/req']} µs, naive ${naive['server CPU µs/req']} µs (${(naive['server CPU µs/req'] / ours['server CPU µs/req']).toFixed(2)}x less); one core's worth: ${Math.round(1e6 / ours['server CPU µs/req'])} vs ${Math.round(1e6 / naive['server CPU µs/req'])} req/s`);
  }
  console.log(`active-ID lookups during the runs: ${fromCache} from Redis, ${fromDatabase} from PostgreSQL`);
  console.log(`the floor (a constant answer, nothing checked or looked up) shows what this machine allows right now: p99 ${floor['p99 ms']} ms`);
  if (ours['errors+non2xx'] || naive['errors+non2xx']) console.log('WARNING: some requests failed; the figures are not comparable');
}

async function deleteKeys(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
