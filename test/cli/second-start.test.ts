// A second `npm start` on the embedded database's folder while the first still runs: it must
// refuse with one line that says why and what to do, not a stack trace, and leave the first
// instance alone. (The first holds the folder's lock from its first moments: the test does
// not wait for it to be ready, which takes a minute on a busy machine.)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../support/process.js';

describe('a second npm start on a busy data folder', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'attendant-second-start-'));
  let first: ServiceProcess | undefined;
  afterAll(async () => {
    first?.child.kill('SIGTERM');
    await first?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints one line naming the folder and the process, without a stack trace', async () => {
    first = await startService({ DATA_DIR: dataDir });
    const lock = path.join(dataDir, 'pglite.lock');
    for (let k = 0; k < 600 && !existsSync(lock); k++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(lock)).toBe(true);
    const second = await startService({ DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(second.output().trimEnd().split('\n')).toEqual([
      `conference-attendant: failed to start: the embedded database in ${dataDir} is in use by process ${first.child.pid} (is the service already running?); stop that process, or set DATA_DIR to another folder`,
    ]);
    expect(second.output()).not.toMatch(/\n\s+at /); // no stack frames
    expect(first.child.exitCode).toBeNull(); // the first goes on
  }, 120_000);
});
