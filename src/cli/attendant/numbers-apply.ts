// `attendant numbers apply FILE [--dry-run]`: makes the service's dial-in numbers (and bridge
// defaults) what the file says. Each number is read first and only written when it differs, so
// a second run reports everything unchanged and rewrites nothing. Order of work:
//   1. PUT every number that is new or different;
//   2. set the defaults the file marks (default: yes), once their numbers are in place;
//   3. retry the numbers refused as number_in_use: step 2 may have released them (the file
//      moved a bridge's old default away and named a new one).
import { describeProblem, enc, problemOf, type AdminApi, type Problem } from './api.js';
import { tally, describeTally, type Command, type Context } from './context.js';
import { EXIT, usageError } from './exit.js';
import { checkFields, readFlag, readList, readRecords } from './files.js';
import { numberProblem } from './local-checks.js';
import { mapLimit } from './output.js';

export const NUMBER_FIELDS = ['number', 'bridgeId', 'type', 'primaryLanguage', 'secondaryLanguages', 'city', 'country', 'speechInput', 'default'] as const;
const COMPARED = ['bridgeId', 'type', 'primaryLanguage', 'secondaryLanguages', 'city', 'country', 'speechInput'] as const;
const OUTCOMES = ['created', 'changed', 'unchanged', 'failed'] as const;
const DEFAULT_OUTCOMES = ['set', 'unchanged', 'failed'] as const;

type Body = { bridgeId: string; type: string; primaryLanguage: unknown; secondaryLanguages: unknown; city: unknown; country: unknown; speechInput: boolean };
type Current = Body & { number: string };

interface Row {
  where: string;
  number: string;
  body: Body;
  makeDefault: boolean;
}

interface NumberResult {
  number: string;
  where: string;
  outcome: (typeof OUTCOMES)[number];
  changes?: string[];
  error?: Problem;
}

interface DefaultResult {
  bridgeId: string;
  field: 'defaultTollNumber' | 'defaultTollFreeNumber';
  number: string;
  outcome: (typeof DEFAULT_OUTCOMES)[number];
  error?: Problem;
}

export function readNumberRows(file: string): Row[] {
  const records = readRecords(file, 'numbers');
  checkFields(file, records, NUMBER_FIELDS, ['number', 'bridgeId', 'type']);
  const seen = new Map<string, string>();
  const defaults = new Map<string, string>();
  return records.map((r) => {
    const v = r.values;
    const number = String(v.number).trim();
    if (seen.has(number)) throw usageError(`${file} ${r.where}: ${number} is also at ${seen.get(number)}`);
    seen.set(number, r.where);
    const body: Body = {
      bridgeId: String(v.bridgeId).trim().toLowerCase(),
      type: String(v.type).trim(),
      primaryLanguage: v.primaryLanguage ?? 'en-US',
      secondaryLanguages: readList(r, 'secondaryLanguages') ?? [],
      city: v.city ?? null,
      country: v.country ?? null,
      speechInput: readFlag(file, r, 'speechInput') ?? false,
    };
    const makeDefault = readFlag(file, r, 'default') ?? false;
    if (makeDefault) {
      const slot = `${body.bridgeId} ${body.type}`;
      if (defaults.has(slot)) throw usageError(`${file} ${r.where}: bridge ${body.bridgeId} already gets a ${body.type} default at ${defaults.get(slot)}`);
      defaults.set(slot, r.where);
    }
    return { where: r.where, number, body, makeDefault };
  });
}

const changedFields = (current: Current, want: Body) => COMPARED.filter((f) => JSON.stringify(current[f]) !== JSON.stringify(want[f]));
const defaultField = (type: string) => (type === 'toll_free' ? 'defaultTollFreeNumber' : 'defaultTollNumber');
const numPath = (n: string) => `/dial-in-numbers/${enc(n)}`;

export const numbersApply: Command = {
  usage: 'numbers apply FILE [--dry-run]',
  summary: 'create or update the numbers (and bridge defaults) a CSV or JSON file lists',
  details: `  --dry-run            say what would change; nothing is written
FILE: CSV with a header line, or JSON; one number a row: number, bridgeId, type (toll or
toll_free) required; primaryLanguage, secondaryLanguages, city, country, speechInput, default
(yes: the bridge's default of its type) optional. "-" reads standard input.`,
  options: { 'dry-run': { type: 'boolean' } },
  async run(ctx, positionals, values) {
    if (positionals.length !== 1) throw usageError('numbers apply takes one FILE');
    const dryRun = values['dry-run'] === true;
    const rows = readNumberRows(positionals[0]!);
    const { api, out } = ctx;
    const progress = out.progress(dryRun ? 'checking' : 'applying');
    let done = 0;

    // 1. compare, then write what differs
    const current = new Map<string, Current>();
    const bridgeChecks = new Map<string, Promise<number>>();
    const bridgeStatus = (id: string) => {
      if (!bridgeChecks.has(id)) bridgeChecks.set(id, api.get(`/bridges/${enc(id)}`).then((r) => r.status));
      return bridgeChecks.get(id)!;
    };
    const results = await mapLimit(rows, ctx.concurrency, async (row): Promise<NumberResult> => {
      let result = await applyOne(api, row, dryRun, current);
      // a dry run cannot PUT, so it checks the one thing the service would refuse most often
      if (dryRun && result.outcome !== 'unchanged' && result.outcome !== 'failed' && (await bridgeStatus(row.body.bridgeId)) !== 200) {
        result = { ...result, outcome: 'failed', error: { status: 422, code: 'validation_failed', detail: 'bridgeId: no such bridge', errors: [{ path: 'bridgeId', message: 'no such bridge' }] } };
      }
      progress.update(++done, rows.length);
      return result;
    });
    progress.done();

    // 2. defaults, for rows whose number is in place (or would be)
    const defaultRows = rows.filter((r, i) => r.makeDefault && results[i]!.outcome !== 'failed');
    const defaults = await mapLimit(defaultRows, ctx.concurrency, (row) => applyDefault(api, row, dryRun));

    // 3. numbers refused because they were a default may be free now
    if (!dryRun && defaults.some((d) => d.outcome === 'set')) {
      await mapLimit(rows, ctx.concurrency, async (row, i) => {
        if (results[i]!.error?.code === 'number_in_use') results[i] = await applyOne(api, row, false, current);
      });
    }
    if (dryRun) predictRefusals(rows, results, current, await currentDefaults(api, rows, results, current));

    const counts = tally(OUTCOMES, results.map((r) => r.outcome));
    const defaultCounts = tally(DEFAULT_OUTCOMES, defaults.map((d) => d.outcome));
    report(ctx, dryRun, results, defaults, counts, defaultCounts);
    return counts.failed || defaultCounts.failed ? EXIT.failures : EXIT.ok;
  },
};

async function applyOne(api: AdminApi, row: Row, dryRun: boolean, current: Map<string, Current>): Promise<NumberResult> {
  const base = { number: row.number, where: row.where };
  const invalid = numberProblem(row.number, row.body);
  if (invalid) return { ...base, outcome: 'failed', error: invalid };
  const got = await api.get<Current>(numPath(row.number));
  if (got.status !== 200 && got.status !== 404) return { ...base, outcome: 'failed', error: problemOf(got) };
  if (got.status === 200) current.set(row.number, got.body);
  const changes = got.status === 200 ? changedFields(got.body, row.body) : undefined;
  if (changes && changes.length === 0) return { ...base, outcome: 'unchanged' };
  if (dryRun) return { ...base, outcome: changes ? 'changed' : 'created', changes };
  const put = await api.put(numPath(row.number), row.body);
  if (put.status === 201) return { ...base, outcome: 'created' };
  if (put.status === 200) return { ...base, outcome: 'changed', changes: changes ?? changedFields(put.body, row.body) };
  return { ...base, outcome: 'failed', changes, error: problemOf(put) };
}

async function applyDefault(api: AdminApi, row: Row, dryRun: boolean): Promise<DefaultResult> {
  const field = defaultField(row.body.type);
  const base = { bridgeId: row.body.bridgeId, field, number: row.number } as const;
  const bridge = await api.get(`/bridges/${enc(row.body.bridgeId)}`);
  if (bridge.status !== 200) return { ...base, outcome: 'failed', error: problemOf(bridge) };
  if (bridge.body[field] === row.number) return { ...base, outcome: 'unchanged' };
  if (dryRun) return { ...base, outcome: 'set' };
  const patched = await api.patch(`/bridges/${enc(row.body.bridgeId)}`, { [field]: row.number });
  return patched.status === 200 ? { ...base, outcome: 'set' } : { ...base, outcome: 'failed', error: problemOf(patched) };
}

/** The defaults of the bridges that numbers would leave: bridgeId → bridge. */
async function currentDefaults(api: AdminApi, rows: Row[], results: NumberResult[], current: Map<string, Current>) {
  const leaving = new Set<string>();
  rows.forEach((row, i) => {
    const now = current.get(row.number);
    if (results[i]!.outcome === 'changed' && now && (now.bridgeId !== row.body.bridgeId || now.type !== row.body.type)) leaving.add(now.bridgeId);
  });
  const bridges = new Map<string, Record<string, unknown>>();
  for (const id of leaving) {
    const b = await api.get(`/bridges/${enc(id)}`);
    if (b.status === 200) bridges.set(id, b.body);
  }
  return bridges;
}

/** --dry-run: a number that is its bridge's default cannot leave unless the file names another. */
function predictRefusals(rows: Row[], results: NumberResult[], current: Map<string, Current>, bridges: Map<string, Record<string, unknown>>): void {
  rows.forEach((row, i) => {
    const now = current.get(row.number);
    const bridge = now && bridges.get(now.bridgeId);
    if (!now || !bridge || results[i]!.outcome !== 'changed') return;
    const field = defaultField(now.type);
    if (bridge[field] !== row.number) return;
    const replaced = rows.some((r) => r.makeDefault && r.number !== row.number && r.body.bridgeId === now.bridgeId && r.body.type === now.type);
    if (replaced) return;
    results[i] = {
      ...results[i]!, outcome: 'failed',
      error: { status: 409, code: 'number_in_use', detail: `${row.number} is the ${field} of bridge ${now.bridgeId} and the file names no other; it would be refused` },
    };
  });
}

function report(ctx: Context, dryRun: boolean, results: NumberResult[], defaults: DefaultResult[],
  counts: Record<string, number>, defaultCounts: Record<string, number>): void {
  const { out } = ctx;
  const would = dryRun ? 'would be ' : '';
  for (const r of results) {
    if (r.outcome === 'unchanged') continue;
    const what = r.outcome === 'failed' ? `${r.where}: ${describeProblem(r.error!)}` : r.changes?.length ? r.changes.join(', ') : '';
    out.line(`${(would + r.outcome).padEnd(dryRun ? 19 : 10)} ${r.number}${what ? `  ${what}` : ''}`);
  }
  for (const d of defaults) {
    if (d.outcome === 'unchanged') continue;
    const what = d.outcome === 'failed' ? `failed: ${describeProblem(d.error!)}` : `${dryRun ? 'would become' : 'is now'} ${d.field} of bridge ${d.bridgeId}`;
    out.line(`default    ${d.number}  ${what}`);
  }
  out.line(`${dryRun ? 'dry run, nothing changed; ' : ''}numbers: ${describeTally(counts)}; defaults: ${describeTally(defaultCounts)}`);
  out.result({ dryRun, numbers: counts, defaults: defaultCounts, items: results, defaultItems: defaults });
}
