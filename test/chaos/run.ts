// npm run chaos -- [--seed N] [--duration S] [--cluster] [--runs K] [--filler M] [--history H] [--out DIR]
// K runs (seeds N, N+1, ...), each printing its seed, counts, faults and violations; exits 1 if
// any run found a violation (or failed), so it can gate a change. The service is built once.
// npm run chaos -- --check FILE checks a recorded history again (e.g. after changing the checker).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { check } from './checker.js';
import { buildService, serviceRoot } from './cluster.js';
import type { HistoryEntry } from './history.js';
import { summarize } from './report.js';
import { runChaos } from './scenario.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    duration: { type: 'string', default: '90' },
    cluster: { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    filler: { type: 'string', default: '200' },
    history: { type: 'string', default: '20000' },
    out: { type: 'string' },
    check: { type: 'string' },
  },
});

if (values.check) {
  const entries = readFileSync(values.check, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as HistoryEntry);
  const violations = check(entries);
  process.stdout.write(`${summarize(entries, violations, values.check)}\n`);
  process.exit(violations.length ? 1 : 0);
}

const first = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 1e6);
const runs = Number(values.runs);
const durationS = Number(values.duration);
if (!Number.isInteger(first) || !Number.isInteger(runs) || runs < 1 || !(durationS >= 10)) {
  process.stderr.write('usage: npm run chaos -- [--seed N] [--duration S>=10] [--cluster] [--runs K] [--filler M] [--history H] [--out DIR]\n');
  process.exit(2);
}

// Ctrl-C: exit normally, so that the deployment's exit hook stops every process of the run.
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

const log = (line: string) => process.stdout.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
log(`building the service in ${serviceRoot()}`);
await buildService();

let failed = 0;
for (let k = 0; k < runs; k++) {
  const seed = first + k;
  const started = Date.now();
  try {
    const result = await runChaos({
      seed, durationS, variant: values.cluster ? 'cluster' : 'single', outDir: values.out, log,
      setup: { fillerMeetings: Number(values.filler), historyIds: Number(values.history) },
    });
    process.stdout.write(`\n=== run ${k + 1}/${runs}: ${result.summary}\n  wall time ${((Date.now() - started) / 1000).toFixed(0)} s\n\n`);
    if (result.violations.length) failed++;
  } catch (err) {
    failed++;
    process.stdout.write(`\n=== run ${k + 1}/${runs}: seed ${seed} FAILED to run: ${(err as Error).stack ?? err}\n\n`);
  }
}
log(`${runs - failed} of ${runs} runs clean${failed ? `; ${failed} with violations or errors` : ''}`);
process.exit(failed ? 1 : 0);
