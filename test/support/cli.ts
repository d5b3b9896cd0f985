// Running `attendant` in tests: in-process through its run() (fast, most tests), or as a real
// process through bin/attendant.js (exit codes and streams as scripts see them). The service
// is a harness listening on a random port; CLI tests get a database of their own, so that
// listing "all numbers" means the test's numbers.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { run } from '../../src/cli/attendant/main.js';
import { buildOutboxWorker } from '../../src/worker.js';
import { createDatabase, dropDatabase } from './global-setup.js';
import { BOOTSTRAP_KEY, createHarness, type Harness, type HarnessOptions } from './harness.js';

export interface Served {
  h: Harness;
  url: string;
  close(): Promise<void>;
}

/**
 * A service on a random port with a fresh database of its own (dropped on close); with
 * `worker`, its outbox worker runs too (jobs such as bulk resets then complete).
 */
export async function serveWithOwnDatabase(options: HarnessOptions & { worker?: boolean } = {}): Promise<Served> {
  const name = `attendant_cli_${randomBytes(4).toString('hex')}`;
  const databaseUrl = await createDatabase(name);
  const h = await createHarness({ ...options, databaseUrl });
  const outbox = options.worker ? buildOutboxWorker(h.services, { mailer: null, idlePollMs: 50 }) : null;
  outbox?.worker.start();
  const server: Server = await new Promise((resolve) => {
    const s = h.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    h,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await outbox?.stop();
      await h.close();
      await dropDatabase(name);
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json: any;
}

export interface CliOptions {
  url?: string;
  key?: string;
  env?: Record<string, string | undefined>;
  /** Pretend stderr is a terminal (progress bar). */
  tty?: boolean;
}

/** Runs the CLI in this process. */
export async function cli(argv: string[], { url, key = BOOTSTRAP_KEY, env = {}, tty = false }: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty, columns: 100 },
    env: { ATTENDANT_URL: url, ATTENDANT_API_KEY: key, ...env },
  });
  return { code, stdout, stderr, get json() { return JSON.parse(stdout); } };
}

const BIN = path.resolve(import.meta.dirname, '../../bin/attendant.js');

/** Runs bin/attendant.js as its own process, as a script would. */
export function spawnCli(argv: string[], env: Record<string, string | undefined>, command: string[] = ['node', BIN]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, [...command.slice(1), ...argv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      cwd: path.resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, get json() { return JSON.parse(stdout); } }));
  });
}
