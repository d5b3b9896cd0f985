// Voice webhooks under load: the ID entry (an active ID, answered with the organizer step) and
// the incoming call (the dialed number looked up, the ID prompt), at 32 and 256 concurrent
// connections, each next to two servers measured in the same run:
//   - the naive baseline (bench/naive-server.ts: express + twilio.validateRequest +
//     VoiceResponse + one Redis GET, as Twilio's samples write it), and
//   - the ceiling (bench/floor-server.ts: bare node:http answering a constant document).
// Then the same webhooks with the service's Redis stopped: answered from PostgreSQL.
// Each server and the load generator (bench/load.ts: wrk or autocannon) run in processes of
// their own, and the servers' runs alternate so that drift on a busy machine hits each alike.
//
//   --duration S   seconds per run (default 10; --quick 3)   --rounds N  runs per server (2; quick 1)
//   --connections LIST  (default 32,256)                     --cpu-prof  V8 CPU profiles of the
//   --loader autocannon (default; each request a distinct        servers in bench/profiles/
//            signed call, which wrk cannot sign)                        (bench/profile-summary.ts)
//   --only entry,incoming,down  (default all: the two webhooks, then both with Redis down)
// The service runs as deployed: LOG_LEVEL info (a log line per webhook, to /dev/null here;
// BENCH_LOG_LEVEL changes it). Needs PostgreSQL (BENCH_PG_ADMIN_URL); makes a database and a
// Redis server of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { sign } from '../src/simulator/twilio.js';
import { VoiceUrls } from '../src/voice/urls.js';
import type { LoadResult } from './load.js';
import { createDatabase, freePort, met, processCpuUs, QUICK, report, sleep, startNode, startRedis, startService, stopProcess, waitReady, type Figure } from './lib.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: QUICK ? '3' : '10' },
    rounds: { type: 'string', default: QUICK ? '1' : '2' },
    connections: { type: 'string', default: '32,256' },
    'cpu-prof': { type: 'boolean', default: false },
    loader: { type: 'string' },
    only: { type: 'string', default: 'entry,incoming,down' },
  },
});
const ONLY = new Set(args.only.split(','));
const DURATION = Number(args.duration);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = args.connections.split(',').map(Number);
const LOADER = (args.loader ?? 'autocannon') as 'wrk' | 'autocannon';
const PUBLIC_BASE_URL = 'https://attendant.example.com';
const cpuProf = { cpuProf: args['cpu-prof'] };
const TOKEN = randomBytes(16).toString('hex');
const ADMIN_KEY = 'bench-' + randomBytes(24).toString('hex');

/** A webhook request; `url` is the path and query, sent to whichever server is measured. */
interface Request { url: string; body: string; headers: Record<string, string> }

/**
 * Every request of a run is a call of its own (a fresh CallSid and From, signed by the load
 * generator): one signed request repeated would be answered from what the service keeps for
 * Twilio's retries, and would count one number's entries against its limit. autocannon only.
 */
function load(base: string, r: Request, connections: number, duration: number): Promise<LoadResult> {
  const distinct = { token: TOKEN, signUrl: PUBLIC_BASE_URL + r.url };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', JSON.stringify({ ...r, url: base + r.url, connections, duration, loader: LOADER, distinct })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited with ${code}`))));
  });
}

type Measured = LoadResult & { cpuUsPerRequest: number | null };

/** One load run, with the server's CPU time per request: steadier than req/s on a busy machine. */
async function measure(server: ChildProcess, base: string, r: Request, connections: number): Promise<Measured> {
  const before = processCpuUs(server.pid);
  const result = await load(base, r, connections, DURATION);
  const after = processCpuUs(server.pid);
  return { ...result, cpuUsPerRequest: before === null || after === null ? null : (after - before) / result.total };
}

/** The mean of the rounds (req/s, percentiles, CPU), with the failures summed. */
function summarise(rs: Measured[]) {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    rps: mean(rs.map((r) => r.requestsPerSecond)),
    p50: mean(rs.map((r) => r.p50)),
    p99: mean(rs.map((r) => r.p99)),
    cpu: rs.every((r) => r.cpuUsPerRequest !== null) ? mean(rs.map((r) => r.cpuUsPerRequest!)) : null,
    failed: rs.reduce((a, r) => a + r.errors + r.non2xx, 0),
  };
}
type Summary = ReturnType<typeof summarise>;

const fmt = (s: Summary) => `${Math.round(s.rps)} req/s, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms${s.cpu === null ? '' : `, ${Math.round(s.cpu)} µs CPU/req`}${s.failed ? `, ${s.failed} FAILED` : ''}`;

async function admin(base: string, method: string, path: string, body: unknown) {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, string>>;
}

/** Checks a server's answer before it is measured: a failing server would only look fast. */
async function expectAnswer(name: string, base: string, r: Request, pattern: RegExp): Promise<void> {
  const res = await fetch(base + r.url, { method: 'POST', body: r.body, headers: r.headers });
  const text = await res.text();
  if (res.status !== 200 || !pattern.test(text)) throw new Error(`${name} answered ${res.status}: ${text}`);
}

// production serves /metrics on the main port only with a token
const METRICS_TOKEN = randomBytes(16).toString('hex');

/** Active-ID lookups answered from the cache and from the database so far (Prometheus). */
async function lookups(base: string): Promise<{ cache: number; database: number }> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}: the lookup counts cannot be read`);
  const text = await res.text();
  const count = (source: string) => [...text.matchAll(new RegExp(`attendant_directory_lookups_total\\{[^}]*source="${source}"[^}]*\\} (\\d+)`, 'g'))].reduce((a, m) => a + Number(m[1]), 0);
  return { cache: count('cache'), database: count('database') };
}

async function main() {
  const db = await createDatabase();
  const redis = await startRedis();
  const raw = new Redis(redis.url);
  const servers: ChildProcess[] = [];
  try {
    const [ours, naive, floor] = [await freePort(), await freePort(), await freePort()];
    const attendant = startService({
      NODE_ENV: 'production', PORT: String(ours), PUBLIC_BASE_URL, DATABASE_URL: db.url, REDIS_URL: redis.url,
      TWILIO_AUTH_TOKEN: TOKEN, BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, SECRETS_KEY: randomBytes(32).toString('hex'), METRICS_TOKEN, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', RUN_WORKER: 'false',
    }, cpuProf);
    const naiveServer = startNode('bench/naive-server.ts', { PORT: String(naive), REDIS_URL: redis.url, KEY: 'naive:', PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN: TOKEN }, cpuProf);
    const floorServer = startNode('bench/floor-server.ts', { PORT: String(floor) }, cpuProf);
    servers.push(attendant, naiveServer, floorServer);
    const oursBase = `http://127.0.0.1:${ours}`;
    const naiveBase = `http://127.0.0.1:${naive}`;
    const floorBase = `http://127.0.0.1:${floor}`;
    await Promise.all([waitReady(`${oursBase}/readyz`), waitReady(`${naiveBase}/healthz`), waitReady(`${floorBase}/`)]);

    // One organizer on a bridge of its own; the naive server gets the same facts in two keys.
    const bridge = await admin(oursBase, 'POST', '/api/v1/bridges', { name: 'bench' });
    const number = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    await admin(oursBase, 'PUT', `/api/v1/dial-in-numbers/${encodeURIComponent(number)}`, { bridgeId: bridge.id, type: 'toll' });
    const tenant = await admin(oursBase, 'POST', '/api/v1/tenants', { name: 'bench', bridgeId: bridge.id });
    const user = await admin(oursBase, 'POST', `/api/v1/tenants/${tenant.id}/users`, { email: 'bench@example.com', displayName: 'Bench', sendEmail: false });
    const id = user.conferenceId!;
    await raw.set(`naive:${id}`, JSON.stringify({ room: `room-${user.id}` }));
    await raw.set(`naive:number:${number}`, JSON.stringify({ bridge: bridge.id }));

    const urls = new VoiceUrls(PUBLIC_BASE_URL);
    const request = (publicUrl: string, extra: Record<string, string>): Request => {
      const params = {
        AccountSid: 'AC' + '0'.repeat(32), ApiVersion: '2010-04-01', CallSid: 'CA' + randomBytes(16).toString('hex'), CallStatus: 'in-progress',
        Called: number, Caller: '+15005550006', Direction: 'inbound', From: '+15005550006', FromCountry: 'US', To: number, ToCountry: 'US', ...extra,
      };
      return {
        url: publicUrl.slice(PUBLIC_BASE_URL.length),
        body: new URLSearchParams(params).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(TOKEN, publicUrl, params) },
      };
    };
    const webhooks = [
      {
        key: 'entry', name: 'ID entry', pattern: /<Gather[^>]*leader/,
        request: request(urls.step('entry', { bridgeId: bridge.id!, language: 'en-US', languages: ['en-US'], menu: false, failures: 0 }), { Digits: id, FinishedOnKey: '#' }),
      },
      { key: 'incoming', name: 'incoming call', pattern: /<Gather[^>]*entry/, request: request(`${PUBLIC_BASE_URL}/voice/incoming`, {}) },
    ].filter((w) => ONLY.has(w.key));
    // The naive server's URLs carry no state; it is signed for its own paths.
    const naiveRequest = (w: (typeof webhooks)[number]) => {
      const path = w.request.url.split('?')[0]!;
      const params = Object.fromEntries(new URLSearchParams(w.request.body));
      return { ...w.request, url: path, headers: { ...w.request.headers, 'x-twilio-signature': sign(TOKEN, PUBLIC_BASE_URL + path, params) } };
    };

    // Every server must answer right before it is measured; the warm-up also lets the service
    // rebuild and trust its cache, so that it answers from Redis alone.
    for (const w of webhooks) {
      await expectAnswer('attendant', oursBase, w.request, w.pattern);
      await expectAnswer('naive', naiveBase, naiveRequest(w), /<Gather/);
      await Promise.all([load(oursBase, w.request, 32, 2), load(naiveBase, naiveRequest(w), 32, 2)]);
    }

    const rows: Figure[] = [];
    const notes: string[] = [];
    const up = new Map<string, Summary>();
    for (const connections of CONNECTIONS) {
      for (const w of webhooks) {
        const rs = { attendant: [] as Measured[], naive: [] as Measured[], floor: [] as Measured[] };
        for (let round = 0; round < ROUNDS; round++) {
          rs.naive.push(await measure(naiveServer, naiveBase, naiveRequest(w), connections));
          rs.attendant.push(await measure(attendant, oursBase, w.request, connections));
          rs.floor.push(await measure(floorServer, floorBase, w.request, connections));
        }
        const [a, n, f] = [summarise(rs.attendant), summarise(rs.naive), summarise(rs.floor)];
        up.set(`${w.name}@${connections}`, n);
        const targeted = w.name === 'ID entry' && connections === 32;
        rows.push({
          measure: `${w.name}, ${connections} conns: req/s`, value: String(Math.round(a.rps)), baseline: `naive ${Math.round(n.rps)}; ceiling ${Math.round(f.rps)}`,
          ratio: `${(a.rps / n.rps).toFixed(2)}x naive; ${(a.rps / f.rps).toFixed(2)} of ceiling`, target: targeted ? '>= 3x naive' : '', met: targeted ? met(a.rps >= 3 * n.rps) : '',
        });
        rows.push({
          measure: `${w.name}, ${connections} conns: p50 / p99 ms`, value: `${a.p50.toFixed(1)} / ${a.p99.toFixed(1)}`,
          baseline: `naive ${n.p50.toFixed(1)} / ${n.p99.toFixed(1)}; ceiling ${f.p50.toFixed(1)} / ${f.p99.toFixed(1)}`,
          ratio: `p99 ${(n.p99 / a.p99).toFixed(2)}x lower`, target: targeted ? 'p99 <= 10 ms' : '', met: targeted ? met(a.p99 <= 10) : '',
        });
        notes.push(`${w.name} @${connections}: attendant ${fmt(a)} | naive ${fmt(n)} | ceiling ${fmt(f)}`);
        if (a.failed || n.failed) notes.push('WARNING: some requests failed; those figures are not comparable');
      }
    }
    const fromRedis = await lookups(oursBase);

    // Redis down: the service's Redis stops answering (SIGSTOP: a hung server, the harder case
    // than a refused connection); callers are answered from PostgreSQL.
    if (ONLY.has('down')) {
      process.kill(redisPid(redis), 'SIGSTOP');
      try {
        await sleep(1500);
        for (const w of webhooks) await expectAnswer('attendant (Redis down)', oursBase, w.request, w.pattern);
        for (const connections of CONNECTIONS) {
          for (const w of webhooks) {
            const rs: Measured[] = [];
            for (let round = 0; round < ROUNDS; round++) rs.push(await measure(attendant, oursBase, w.request, connections));
            const a = summarise(rs);
            const n = up.get(`${w.name}@${connections}`)!;
            rows.push({
              measure: `Redis down: ${w.name}, ${connections} conns`, value: `${Math.round(a.rps)} req/s, p99 ${a.p99.toFixed(1)} ms`,
              baseline: `naive (Redis up) ${Math.round(n.rps)} req/s, p99 ${n.p99.toFixed(1)} ms`, ratio: `${(a.rps / n.rps).toFixed(2)}x naive`, target: '', met: '',
            });
            notes.push(`Redis down, ${w.name} @${connections}: attendant ${fmt(a)}`);
          }
        }
      } finally {
        process.kill(redisPid(redis), 'SIGCONT');
      }
    }
    const after = await lookups(oursBase);
    notes.push(`active-ID lookups: ${fromRedis.cache} from Redis and ${fromRedis.database} from PostgreSQL while Redis was up; ${after.database - fromRedis.database} from PostgreSQL while it was down`);
    notes.push(`load from ${LOADER}; ${ROUNDS} x ${DURATION} s per server and setting, alternating`);
    report('voice', `Voice webhooks (node ${process.version})`, rows, notes);
  } finally {
    await Promise.all(servers.map(stopProcess));
    raw.disconnect();
    await redis.stop();
    await db.drop();
  }
}

function redisPid(r: { pid?: number }): number {
  if (!r.pid) throw new Error('the private Redis has no pid');
  return r.pid;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
