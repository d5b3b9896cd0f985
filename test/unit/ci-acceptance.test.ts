// .ci/acceptance (the last step of .ci/run): a clone without the external acceptance suite passes
// and says the suite was skipped; with the suite, its sections run and their failure fails CI.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A clone in a fresh folder (only .ci/acceptance matters), optionally with ../shared/acceptance beside it. */
function clone(suite?: string): string {
  dir = mkdtempSync(path.join(tmpdir(), 'ci-acceptance-'));
  mkdirSync(path.join(dir, 'project/.ci'), { recursive: true });
  copyFileSync(path.join(ROOT, '.ci/acceptance'), path.join(dir, 'project/.ci/acceptance'));
  if (suite !== undefined) {
    mkdirSync(path.join(dir, 'shared/acceptance'), { recursive: true });
    writeFileSync(path.join(dir, 'shared/acceptance/run'), suite);
    chmodSync(path.join(dir, 'shared/acceptance/run'), 0o755);
  }
  return path.join(dir, 'project/.ci/acceptance');
}

// (ACCEPTANCE_MACHINE_DIR: the development machine's own copy of the suite is not looked for here)
const exec = (script: string, env: Record<string, string> = {}) =>
  run('bash', [script], { env: { PATH: process.env.PATH ?? '', ACCEPTANCE_MACHINE_DIR: path.join(dir, 'none'), ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
  );

describe('.ci/acceptance', () => {
  it('passes without the suite, and says it was skipped', async () => {
    const { code, out } = await exec(clone());
    expect(code).toBe(0);
    expect(out).toMatch(/acceptance suite not found: skipped/);
  });

  it('runs the suite\'s sections when it is beside the project, and fails with it', async () => {
    const passing = await exec(clone('#!/usr/bin/env bash\necho "sections: $*"\n'));
    expect(passing).toMatchObject({ code: 0 });
    expect(passing.out).toMatch(/acceptance suite \(\.\.\/shared\/acceptance\)/);
    expect(passing.out).toMatch(/sections: admin voice email meetings provisioning/);
    const failing = await exec(clone('#!/usr/bin/env bash\nexit 3\n'));
    expect(failing.code).toBe(3);
  });

  it('refuses an ACCEPTANCE_DIR that holds no suite', async () => {
    const { code, out } = await exec(clone(), { ACCEPTANCE_DIR: '/nonexistent/acceptance' });
    expect(code).toBe(1);
    expect(out).toMatch(/has no executable run script/);
  });
});
