// `npm run bench`: every benchmark, one after another, each in a process of its own (each starts
// the PostgreSQL database and Redis it needs and removes them), then one summary: the machine,
// and every figure beside its same-run baseline and its target.
//
//   npm run bench [-- --quick] [--only voice,admin,allocation,bulk,directory,search] [--markdown FILE]
//
// --quick: smaller sizes and shorter runs (sections say what they shrink; targets that need the
// full size are then not judged). --markdown: also write the summary as Markdown (the body of
// bench/RESULTS.md). Exits 1 if a section failed; a missed target is reported, not an error.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildService, type Figure } from './lib.js';

const SECTIONS = {
  voice: 'bench/voice.ts',
  admin: 'bench/admin.ts',
  allocation: 'bench/allocation.ts',
  bulk: 'bench/bulk-reset.ts',
  directory: 'bench/directory.ts',
  search: 'bench/search.ts',
} as const;
type Section = keyof typeof SECTIONS;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: Object.keys(SECTIONS).join(',') },
    markdown: { type: 'string' },
  },
});
const chosen = args.only.split(',').map((s) => s.trim()) as Section[];
for (const s of chosen) {
  if (!(s in SECTIONS)) {
    console.error(`unknown section "${s}"; sections: ${Object.keys(SECTIONS).join(', ')}`);
    process.exit(2);
  }
}

interface Reported { section: string; title: string; rows: Figure[]; notes: string[] }

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
const resultsFile = path.join(dir, 'results.jsonl');
writeFileSync(resultsFile, '');
const failed: string[] = [];
const durations: string[] = [];
const started = new Date();
if (chosen.some((section) => section === 'voice' || section === 'admin' || section === 'search')) buildService(); // once, not per section
for (const section of chosen) {
  console.log(`\n=== ${section} (${SECTIONS[section]}) ===`);
  const t = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', SECTIONS[section]], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RESULTS_FILE: resultsFile, BENCH_QUICK: args.quick ? '1' : '0' },
  });
  durations.push(`${section} ${Math.round((Date.now() - t) / 1000)} s`);
  if (run.status !== 0) failed.push(`${section} (exit ${run.status ?? run.signal})`);
}
const reported = readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Reported);
rmSync(dir, { recursive: true, force: true });

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const machine = `${os.availableParallelism()} cores (nproc), ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}, Node ${process.version}`;
const cell = (s: string) => s.replaceAll('|', '\\|');
const lines = [
  `Run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC: \`npm run bench${args.quick ? ' -- --quick' : ''}${args.only !== Object.keys(SECTIONS).join(',') ? ` --only ${args.only}` : ''}\``,
  '',
  `Machine: ${machine}; load averages at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}.`,
  `Sections: ${durations.join(', ')}.`,
];
for (const r of reported) {
  lines.push('', `### ${r.title}`, '', '| measure | value | baseline (same run) | ratio | target | met |', '| --- | --- | --- | --- | --- | --- |');
  for (const f of r.rows) lines.push(`| ${[f.measure, f.value, f.baseline, f.ratio, f.target, f.met].map(cell).join(' | ')} |`);
  if (r.notes.length) lines.push('', ...r.notes.map((n) => `- ${n}`));
}
const targets = reported.flatMap((r) => r.rows.filter((f) => f.met).map((f) => `${f.met === 'yes' ? 'met   ' : 'MISSED'}  ${f.measure}: ${f.value} (target ${f.target})`));
lines.push('', '### Targets', '', '```', ...(targets.length ? targets : ['(none judged in this run)']), '```');
if (failed.length) lines.push('', `FAILED sections: ${failed.join(', ')}`);
const markdown = lines.join('\n') + '\n';

console.log(`\n=== summary ===\n${markdown}`);
if (args.markdown) {
  writeFileSync(args.markdown, markdown);
  console.log(`written to ${args.markdown}`);
}
process.exitCode = failed.length ? 1 : 0;
