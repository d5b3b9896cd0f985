// A short chaos run in `npm test`: a fixed seed, 30 s of workload and faults on two real
// instances with a private Redis, database and proxies, then the checker. Any violation fails
// the test, printed with the seed and the history file (rerun it with
// `npm run chaos -- --seed <seed> --duration 30`). Everything it starts is stopped and the
// database dropped, also when it fails.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildService, type Deployment } from './cluster.js';
import { countByKind } from './report.js';
import { runChaos } from './scenario.js';

const SEED = Number(process.env.CHAOS_SEED ?? 5);
// The history and the instances' logs: kept when the run fails, removed when it passes.
const outDir = mkdtempSync(path.join(os.tmpdir(), 'chaos-test-'));
let deployment: Deployment | undefined;
let passed = false;

beforeAll(() => buildService(1, { ifStale: true }), 60_000);
afterAll(async () => {
  await deployment?.teardown();
  if (passed) rmSync(outDir, { recursive: true, force: true });
}, 30_000);

it(`a short seeded chaos run (seed ${SEED}) finds no violation`, async () => {
  const result = await runChaos({
    seed: SEED, durationS: 30, variant: 'single', outDir,
    setup: { staticUsers: 8, dynamicUsers: 2, fillerMeetings: 10, historyIds: 3000 },
    // lighter than `npm run chaos`: other test files share the machine's cores meanwhile
    workload: { callers: 4, resetters: 3 },
    final: { settleMs: 3000, maxRetired: 80, maxFiller: 20, jobWaitMs: 10_000 },
    onDeployment: (d) => (deployment = d),
  });
  if (result.violations.length) process.stdout.write(`\nchaos run failed:\n${result.summary}\n`);
  expect(countByKind(result.violations), `seed ${SEED}, history ${result.historyFile} (the violations are printed above)`).toEqual({});
  // the run did run: calls, resets and faults
  const entries = result.entries.filter((e) => e.type === 'webhook' && e.step === 'entry').length;
  expect(entries).toBeGreaterThan(200);
  expect(result.entries.some((e) => e.type === 'fault')).toBe(true);
  passed = true;
}, 85_000);
