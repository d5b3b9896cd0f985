// Shared pieces for the benchmarks: private Redis servers and databases, timing, tables.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
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
