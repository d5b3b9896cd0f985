// What a run prints: the seed, how long it ran, the operations by kind and outcome, the faults
// with their times, and the violations (the first few of each kind in full).
import { unfinishedJobs, type Violation, type ViolationKind } from './checker.js';
import type { FaultRecord, HistoryEntry, MetaRecord } from './history.js';

const SEVERITY: ViolationKind[] = [
  'stale-admission', 'final-retired-admitted', 'duplicate-id', 'lost-retirement', 'lost-grant', 'phantom-admission', 'inconsistent-view',
  'final-current-refused', 'final-not-served', 'instance-crash', 'apology', 'webhook-failed', 'webhook-bad-answer', 'webhook-slow',
  'admin-5xx', 'admin-no-answer',
];

/** Violations by kind, e.g. { 'stale-admission': 2 } (what a test asserts is empty). */
export function countByKind(violations: Violation[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of violations) out[v.kind] = (out[v.kind] ?? 0) + 1;
  return out;
}

function table(counts: Map<string, Map<string, number>>): string[] {
  const cols = [...new Set([...counts.values()].flatMap((m) => [...m.keys()]))].sort();
  const rows = [...counts.keys()].sort();
  const w0 = Math.max(10, ...rows.map((r) => r.length));
  const ws = cols.map((c) => Math.max(c.length, 5));
  const line = (first: string, cells: string[]) => `    ${first.padEnd(w0)}  ${cells.map((c, i) => c.padStart(ws[i]!)).join('  ')}`;
  return [line('', cols), ...rows.map((r) => line(r, cols.map((c) => String(counts.get(r)!.get(c) ?? ''))))];
}

function count(map: Map<string, Map<string, number>>, row: string, col: string): void {
  if (!map.has(row)) map.set(row, new Map());
  map.get(row)!.set(col, (map.get(row)!.get(col) ?? 0) + 1);
}

export function summarize(entries: HistoryEntry[], violations: Violation[], historyFile: string | null): string {
  const meta = entries.find((e): e is MetaRecord => e.type === 'meta');
  const admin = new Map<string, Map<string, number>>();
  const hooks = new Map<string, Map<string, number>>();
  const calls = new Map<string, Map<string, number>>();
  for (const e of entries) {
    if (e.type === 'admin' && e.phase !== 'setup') count(admin, e.action, e.outcome === 'refused' || e.outcome === 'unavailable' ? `${e.status}` : e.outcome);
    if (e.type === 'webhook') {
      count(hooks, `${e.phase}:${e.step}`, e.answer ?? e.outcome);
      if (e.step === 'entry') count(calls, e.target ?? '?', e.answer ?? e.outcome);
    }
  }
  const started = meta?.startedMs ?? 0;
  const faults = entries.filter((e): e is FaultRecord => e.type === 'fault').sort((a, b) => a.startMs - b.startMs);
  // The worst first: broken promises to callers and admins, then crashes, then failed requests.
  const byKind = new Map<string, Violation[]>();
  for (const v of [...violations].sort((a, b) => SEVERITY.indexOf(a.kind) - SEVERITY.indexOf(b.kind))) byKind.set(v.kind, [...(byKind.get(v.kind) ?? []), v]);
  const out = [
    `seed ${meta?.seed} (${meta?.variant}), workload ${meta?.durationS} s${historyFile ? `, history ${historyFile}` : ''}`,
    '  admin operations (workload and final; by outcome or refusal status):', ...table(admin),
    '  webhooks (phase:step by answer):', ...table(hooks),
    '  ID entries by what the caller aimed at:', ...table(calls),
    `  faults (${faults.length}):`,
    ...faults.map((f) => `    +${((f.startMs - started) / 1000).toFixed(1).padStart(5)} s  ${((f.endMs - f.startMs) / 1000).toFixed(1).padStart(4)} s  ${f.fault.padEnd(28)} ${f.detail}`),
  ];
  // Not violations, but worth a look: jobs the outbox was still retrying (with its backoff) at the end.
  for (const j of unfinishedJobs(entries)) out.push(`  note: ${j.kind} job ${j.id} was still ${j.status} after the faults healed and the final wait (listing #${j.op})`);
  out.push(`  violations: ${violations.length}`);
  for (const [kind, list] of byKind) {
    out.push(`    ${kind} (${list.length}):`);
    for (const v of list.slice(0, 8)) out.push(`      ${v.message}  [entries ${v.ops.slice(0, 10).join(', ')}${v.ops.length > 10 ? ', ...' : ''}]`);
    if (list.length > 8) out.push(`      ... and ${list.length - 8} more`);
  }
  return out.join('\n');
}
