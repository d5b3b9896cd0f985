// The service as a real process (`node --import tsx src/main.ts`, what `npm start` runs after
// its build), with its output captured, for start-up and shutdown tests.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './private-services.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServiceProcess {
  child: ChildProcess;
  base: string;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  waitForOutput(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  waitUntilReady(ms?: number): Promise<number>;
}

/** Starts the service with exactly `env` (plus PATH and HOME): nothing leaks in from the test run. */
export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const waitForOutput = async (pattern: RegExp, ms = 30_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const m = out.match(pattern);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${pattern} in the service's output after ${ms} ms:\n${out.slice(-3000)}`);
  };
  return {
    child, base, exited, waitForOutput,
    output: () => out,
    async waitUntilReady(ms = 90_000) {
      const started = Date.now();
      let code: number | null | undefined;
      void exited.then((c) => (code = c));
      while (Date.now() - started < ms) {
        if (code !== undefined) throw new Error(`the service exited with ${code}:\n${out.slice(-3000)}`);
        try {
          if ((await fetch(`${base}/readyz`)).status === 200) return Date.now() - started;
        } catch {
          /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`not ready after ${ms} ms:\n${out.slice(-3000)}`);
    },
  };
}

/** An HTTP request written by hand, so that a test controls when its body arrives. */
export function rawRequest(port: number, head: string): { socket: net.Socket; response: Promise<string> } {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(head);
  let data = '';
  socket.on('data', (d) => (data += d.toString()));
  const response = new Promise<string>((resolve, reject) => {
    socket.on('end', () => resolve(data));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
  return { socket, response };
}
