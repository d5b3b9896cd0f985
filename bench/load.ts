// The load generator, run as its own process by bench/voice.ts so that it never shares an event
// loop with the server it measures: Debian's wrk when it is installed (C, light on a small
// machine), else autocannon from npm. argv[2]: JSON { url, body, headers, connections, duration,
// loader }. Prints { requestsPerSecond, total, p50, p90, p99, max (ms), errors, non2xx } as JSON.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { sign } from '../src/simulator/twilio.js';

interface Options {
  url: string; body: string; headers: Record<string, string>; connections: number; duration: number; loader: 'wrk' | 'autocannon';
  /**
   * Each request a call of its own: a fresh CallSid and From, signed with `token` over
   * `signUrl`, as Twilio sends distinct calls (repeating one signed request would measure the
   * answers kept for Twilio's retries, not the work). autocannon only.
   */
  distinct?: { token: string; signUrl: string };
}
export interface LoadResult { loader: string; requestsPerSecond: number; total: number; p50: number; p90: number; p99: number; max: number; errors: number; non2xx: number }

export function wrkInstalled(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined; // wrk --version exits 1 but runs
  }
}

const luaString = (s: string) => {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error('wrk scripts here carry printable ASCII only');
  return JSON.stringify(s); // with only \" and \\ escapes, a JSON string is a Lua string
};

function runWrk(o: Options): LoadResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-wrk-'));
  const script = path.join(dir, 'request.lua');
  writeFileSync(script, `
wrk.method = "POST"
wrk.body = ${luaString(o.body)}
${Object.entries(o.headers).map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`).join('\n')}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nRESULT {"total":%d,"durationUs":%d,"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f,"errors":%d,"non2xx":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
`);
  try {
    const run = spawnSync('wrk', ['-t1', `-c${o.connections}`, `-d${o.duration}s`, '--timeout', '5s', '-s', script, o.url], { encoding: 'utf8' });
    const line = /RESULT (\{.*\})/.exec(run.stdout)?.[1];
    if (!line) throw new Error(`wrk: ${run.stderr || run.stdout}`);
    const r = JSON.parse(line) as { total: number; durationUs: number; p50: number; p90: number; p99: number; max: number; errors: number; non2xx: number };
    return { loader: 'wrk', requestsPerSecond: r.total / (r.durationUs / 1e6), total: r.total, p50: r.p50, p90: r.p90, p99: r.p99, max: r.max, errors: r.errors, non2xx: r.non2xx };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runAutocannon(o: Options): Promise<LoadResult> {
  const requests = o.distinct ? [{ method: 'POST' as const, setupRequest: distinctCalls(o, o.distinct) }] : undefined;
  const r = await autocannon({ url: o.url, method: 'POST', body: o.body, headers: o.headers, connections: o.connections, duration: o.duration, requests });
  return {
    loader: 'autocannon', requestsPerSecond: r.requests.average, total: r.requests.total,
    p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, errors: r.errors + r.timeouts, non2xx: r.non2xx,
  };
}

/** A request mutator giving each request a new CallSid and calling number, signed. */
function distinctCalls(o: Options, d: { token: string; signUrl: string }) {
  const base = Object.fromEntries(new URLSearchParams(o.body));
  const prefix = randomBytes(8).toString('hex');
  let n = 0;
  return (req: autocannon.Request): autocannon.Request => {
    n++;
    const from = `+1555${String((n * 7919) % 1e7).padStart(7, '0')}`;
    const params = { ...base, CallSid: `CA${prefix}${n.toString(16).padStart(16, '0')}`, From: from, Caller: from };
    req.body = new URLSearchParams(params).toString();
    req.headers = { ...o.headers, 'x-twilio-signature': sign(d.token, d.signUrl, params) };
    return req;
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const o = JSON.parse(process.argv[2] ?? '{}') as Options;
  const result = o.loader === 'wrk' && !o.distinct ? runWrk(o) : await runAutocannon(o);
  process.stdout.write(JSON.stringify(result));
}
