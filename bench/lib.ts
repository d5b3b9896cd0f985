// Shared pieces for the benchmarks: private Redis servers and databases, timing, tables.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { silentLogger } from '../src/logging.js';
import { migrate } from '../src/store/migrate.js';

export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); r(true); });
      c.on('error', () => r(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

export interface BenchRedis { url: string; port: number; pid?: number; stop(): Promise<void> }

export async function startRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-redis-'));
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await waitForPort(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: proc.pid,
    async stop() {
      await new Promise((r) => { proc.once('exit', r); proc.kill('SIGKILL'); });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchDatabase { url: string; drop(): Promise<void> }

export async function createDatabase(): Promise<BenchDatabase> {
  const name = `attendant_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  await migrate(u.toString(), silentLogger);
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  const cols = Object.keys(rows[0] ?? {});
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(width[i]!)).join(' | ') + ' |';
  process.stdout.write(`\n${title}\n${line(cols)}\n${line(width.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(line(cols.map((c) => String(r[c]))) + '\n');
}

/** `npm run bench -- --quick` (BENCH_QUICK=1): smaller sizes and shorter runs, same shape. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** One line of a section's table: a figure, the same-run baseline it is read against, the target. */
export interface Figure {
  measure: string;
  value: string;
  baseline: string;
  /** value / baseline, or baseline / value, as the measure reads best ("3.1x faster"). */
  ratio: string;
  target: string;
  /** 'yes' | 'NO' where there is a target, '' where the figure is for information. */
  met: string;
}

/**
 * Prints a section's table, and appends it as one JSON line to BENCH_RESULTS_FILE when set, so
 * that bench/run.ts can gather every section into one summary.
 */
export function report(section: string, title: string, rows: Figure[], notes: string[] = []): void {
  printTable(title, rows as unknown as Record<string, string>[]);
  for (const n of notes) process.stdout.write(`  ${n}\n`);
  const file = process.env.BENCH_RESULTS_FILE;
  if (file) appendFileSync(file, JSON.stringify({ section, title, rows, notes }) + '\n');
}

export const met = (ok: boolean): string => (ok ? 'yes' : 'NO');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const PROFILE_DIR = 'bench/profiles';

/**
 * A script (TypeScript through tsx, or compiled JavaScript) as a child process of its own, its
 * stdout discarded; with `cpuProf`, V8 writes its CPU profile to PROFILE_DIR when it exits.
 */
export function startNode(script: string, env: Record<string, string>, { cpuProf = false } = {}): ChildProcess {
  if (cpuProf) mkdirSync(PROFILE_DIR, { recursive: true });
  const flags = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...flags, ...loader, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => { if (code) console.error(`${script} exited with ${code ?? signal}`); });
  return child;
}

/**
 * Compiles the service once per benchmark run: `bench/run.ts` builds before its sections and
 * tells them so (BENCH_BUILT=1); a section run alone builds for itself.
 */
export function buildService(): void {
  if (process.env.BENCH_BUILT === '1') return;
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  process.env.BENCH_BUILT = '1';
}

/**
 * The attendant as `npm start` runs it: the compiled `dist/src/main.js` under plain node, not
 * the TypeScript sources through tsx (whose loader and name-keeping helpers would be measured
 * too).
 */
export function startService(env: Record<string, string>, options: { cpuProf?: boolean } = {}): ChildProcess {
  buildService();
  return startNode('dist/src/main.js', env, options);
}

/** Polls `url` until it answers 2xx (30 s at most). */
export async function waitReady(url: string): Promise<void> {
  for (let k = 0; k < 300; k++) {
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error(`${url} not ready`);
}

/** SIGTERM, then waits for the exit (the service drains; a CPU profile is written). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });
}

/** CPU time (user + system, µs) a process has used so far; null where /proc is missing. */
export function processCpuUs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // USER_HZ on Linux
  } catch {
    return null;
  }
}
