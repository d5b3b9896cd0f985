// `attendant numbers apply | list | delete` against the real service (HTTP on a random port,
// real PostgreSQL and Redis).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, serveWithOwnDatabase, type Served } from '../support/cli.js';
import { expectStatus, freshNumber } from '../support/harness.js';

let s: Served;
let dir: string;
beforeAll(async () => {
  s = await serveWithOwnDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'attendant-cli-'));
});
afterAll(async () => { await s.close(); });

const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const attendant = (...argv: string[]) => cli(argv, { url: s.url });
const bridge = async () => (await expectStatus(s.h.api.post('/api/v1/bridges', { name: 'cli' }), 201)).id as string;
const getNumber = async (n: string) => s.h.api.get(`/api/v1/dial-in-numbers/${encodeURIComponent(n)}`);
const versions = async (ns: string[]) => (await s.h.services.db.query('SELECT number, version FROM dial_in_numbers WHERE number = ANY($1) ORDER BY number', [ns])).rows;

describe('numbers apply', () => {
  it('creates numbers and a default from CSV; a second run is all unchanged and writes nothing', async () => {
    const b = await bridge();
    const [n1, n2, n3] = [freshNumber(), freshNumber(), freshNumber()];
    const csv = file('numbers.csv', [
      '# dial-in numbers of the Springfield bridge',
      'number,bridgeId,type,primaryLanguage,secondaryLanguages,city,country,default',
      `${n1},${b},toll,en-US,es-US;fr-FR,Springfield,US,yes`,
      `${n2},${b},toll_free,en-US,,,US,yes`,
      `"${n3}",${b.toUpperCase()},toll,fr-FR,en-US,"Saint-Denis, Réunion",RE,`,
    ].join('\n'));
    const first = await attendant('numbers', 'apply', csv);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe(''); // off a terminal, no progress noise
    expect(first.stdout).toContain('numbers: 3 created, 0 changed, 0 unchanged, 0 failed; defaults: 2 set, 0 unchanged, 0 failed');
    expect((await getNumber(n1)).body).toEqual({ number: n1, bridgeId: b, type: 'toll', primaryLanguage: 'en-US', secondaryLanguages: ['es-US', 'fr-FR'], city: 'Springfield', country: 'US', speechInput: false });
    expect((await getNumber(n3)).body).toMatchObject({ city: 'Saint-Denis, Réunion', country: 'RE', bridgeId: b });
    expect(await expectStatus(s.h.api.get(`/api/v1/bridges/${b}`), 200)).toMatchObject({ defaultTollNumber: n1, defaultTollFreeNumber: n2 });

    const before = await versions([n1, n2, n3]);
    const second = await attendant('numbers', 'apply', csv, '--json');
    expect(second.code).toBe(0);
    expect(second.json.numbers).toEqual({ created: 0, changed: 0, unchanged: 3, failed: 0 });
    expect(second.json.defaults).toEqual({ set: 0, unchanged: 2, failed: 0 });
    expect(second.json.items.map((i: { outcome: string }) => i.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(await versions([n1, n2, n3])).toEqual(before);
  });

  it('reads the same from JSON, reports the changed fields, and --dry-run changes nothing', async () => {
    const b = await bridge();
    const [n1, n2] = [freshNumber(), freshNumber()];
    const rows = [
      { number: n1, bridgeId: b, type: 'toll', secondaryLanguages: ['de-DE'], city: 'Bonn', country: 'DE' },
      { number: n2, bridgeId: b, type: 'toll' },
    ];
    expect((await attendant('numbers', 'apply', file('a.json', JSON.stringify({ numbers: rows })))).code).toBe(0);
    rows[0]!.city = 'Köln';
    rows[1]!.type = 'toll_free';
    const edited = file('b.json', JSON.stringify(rows));

    const dry = await attendant('numbers', 'apply', edited, '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({ dryRun: true, numbers: { created: 0, changed: 2, unchanged: 0, failed: 0 } });
    expect(dry.json.items.map((i: { changes: string[] }) => i.changes)).toEqual([['city'], ['type']]);
    expect((await getNumber(n1)).body.city).toBe('Bonn');

    const human = await cli(['numbers', 'apply', edited, '--dry-run'], { url: s.url, tty: true });
    expect(human.stderr).toMatch(/\r\x1b\[2K\[#+\] checking 2\/2\n$/); // a bar on a terminal
    expect(human.stdout).toMatch(/would be changed\s+\S+\s+city/);
    expect(human.stdout).toContain('dry run, nothing changed');

    const real = await attendant('numbers', 'apply', edited);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(new RegExp(`changed\\s+\\${n1}\\s+city`));
    expect((await getNumber(n1)).body.city).toBe('Köln');
    expect((await getNumber(n2)).body.type).toBe('toll_free');
  });

  it('--dry-run on new numbers creates nothing, and flags an unknown bridge and bad fields as the service would', async () => {
    const b = await bridge();
    const [n1, n2, n3] = [freshNumber(), freshNumber(), freshNumber()];
    const csv = file('dry.csv', `number,bridgeId,type,primaryLanguage\n${n1},${b},toll,\n${n2},00000000-0000-4000-8000-000000000000,toll,\n${n3},${b},toll,en-us\n`);
    const r = await attendant('numbers', 'apply', csv, '--dry-run', '--json');
    expect(r.code).toBe(1);
    expect(r.json.items[0].outcome).toBe('created');
    expect(r.json.items[1]).toMatchObject({ outcome: 'failed', error: { code: 'validation_failed', errors: [{ path: 'bridgeId' }] } });
    expect(r.json.items[2]).toMatchObject({ outcome: 'failed', error: { code: 'validation_failed', errors: [{ path: 'primaryLanguage', message: 'write it as en-US' }] } });
    expect((await getNumber(n1)).status).toBe(404);
    // the same file for real: the same verdicts
    const real = await attendant('numbers', 'apply', csv, '--json');
    expect(real.json.items.map((i: { outcome: string }) => i.outcome)).toEqual(['created', 'failed', 'failed']);
    expect(real.json.items[1].error).toMatchObject({ status: 422, errors: [{ path: 'bridgeId', message: 'no such bridge' }] });
  });

  it('applies the good rows and reports the bad ones with the field (exit 1)', async () => {
    const b = await bridge();
    const [good, bad] = [freshNumber(), freshNumber()];
    const csv = file('mixed.csv', `number,bridgeId,type,country\n${good},${b},toll,US\n${bad},${b},toll,USA\n`);
    const r = await attendant('numbers', 'apply', csv, '--json');
    expect(r.code).toBe(1);
    expect(r.json.numbers).toEqual({ created: 1, changed: 0, unchanged: 0, failed: 1 });
    expect(r.json.items[1]).toMatchObject({ number: bad, where: 'line 3', outcome: 'failed', error: { status: 422, code: 'validation_failed', errors: [{ path: 'country' }] } });
    const human = await attendant('numbers', 'apply', csv);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/failed\s+\S+\s+line 3: 422 validation_failed: country: must be an ISO 3166/);
  });

  it('moves a bridge default away when the file names the new default (and the dry run predicts a refusal when it does not)', async () => {
    const a = await bridge();
    const b = await bridge();
    const [oldDefault, newDefault] = [freshNumber(), freshNumber()];
    await attendant('numbers', 'apply', file('start.csv', `number,bridgeId,type,default\n${oldDefault},${a},toll,yes\n`));

    const unguarded = file('move-only.csv', `number,bridgeId,type\n${oldDefault},${b},toll\n`);
    const predicted = await attendant('numbers', 'apply', unguarded, '--dry-run', '--json');
    expect(predicted.code).toBe(1);
    expect(predicted.json.items[0]).toMatchObject({ outcome: 'failed', error: { code: 'number_in_use' } });
    const refused = await attendant('numbers', 'apply', unguarded, '--json');
    expect(refused.code).toBe(1);
    expect(refused.json.items[0].error.code).toBe('number_in_use');

    const swap = file('swap.csv', `number,bridgeId,type,default\n${oldDefault},${b},toll,no\n${newDefault},${a},toll,yes\n`);
    expect((await attendant('numbers', 'apply', swap, '--dry-run')).code).toBe(0);
    const r = await attendant('numbers', 'apply', swap, '--json');
    expect(r.code, JSON.stringify(r.json)).toBe(0);
    expect(r.json.numbers).toMatchObject({ created: 1, changed: 1, failed: 0 });
    expect((await getNumber(oldDefault)).body.bridgeId).toBe(b);
    expect((await expectStatus(s.h.api.get(`/api/v1/bridges/${a}`), 200)).defaultTollNumber).toBe(newDefault);
    expect((await attendant('numbers', 'apply', swap, '--json')).json.numbers.unchanged).toBe(2);
  });

  it('refuses malformed files before any request (exit 2)', async () => {
    const b = await bridge();
    const n = freshNumber();
    const cases: [string, string, RegExp][] = [
      ['typo.csv', `number,bridgeId,type,contry\n${n},${b},toll,US\n`, /unknown field "contry"/],
      ['missing.csv', `number,bridgeId\n${n},${b}\n`, /type required/],
      ['dupe.csv', `number,bridgeId,type\n${n},${b},toll\n${n},${b},toll\n`, /also at line 2/],
      ['defaults.csv', `number,bridgeId,type,default\n${n},${b},toll,yes\n${freshNumber()},${b},toll,yes\n`, /already gets a toll default/],
      ['flag.csv', `number,bridgeId,type,default\n${n},${b},toll,maybe\n`, /default must be yes or no/],
      ['ragged.csv', `number,bridgeId,type\n${n},${b},toll,extra\n`, /not valid CSV/],
      ['broken.json', '[{"number": ', /not valid JSON/],
      ['shape.json', '{"items": []}', /"numbers" array/],
      ['scalar.json', '["+14155550100"]', /item 1 is not an object/],
    ];
    for (const [name, text, message] of cases) {
      const r = await attendant('numbers', 'apply', file(name, text));
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(message);
    }
    expect((await attendant('numbers', 'apply', path.join(dir, 'nope.csv'))).stderr).toMatch(/cannot read/);
    expect((await getNumber(n)).status).toBe(404);
  });
});

describe('numbers list and delete', () => {
  it('lists numbers of a bridge, for humans and as JSON', async () => {
    const b = await bridge();
    const [n1, n2] = [freshNumber(), freshNumber()].sort();
    await attendant('numbers', 'apply', file('list.csv', `number,bridgeId,type,city,country\n${n1},${b},toll,Oslo,NO\n${n2},${b},toll_free,,\n`));
    const human = await attendant('numbers', 'list', '--bridge', b);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`\\${n1}\\s+toll\\s+${b}\\s+en-US\\s+Oslo, NO`));
    expect(human.stdout).toContain('2 numbers');
    const json = await attendant('numbers', 'list', '--bridge', b, '--json');
    expect(json.json.items.map((i: { number: string }) => i.number)).toEqual([n1, n2]);
    const all = await attendant('numbers', 'list', '--json');
    expect(all.json.items.length).toBeGreaterThanOrEqual(2);
    expect((await attendant('numbers', 'list', '--bridge', 'x')).code).toBe(1);
  });

  it('deletes numbers; a missing one is absent, a default one fails with number_in_use (exit 1)', async () => {
    const b = await bridge();
    const [plain, guarded, missing] = [freshNumber(), freshNumber(), freshNumber()];
    await attendant('numbers', 'apply', file('del.csv', `number,bridgeId,type,default\n${plain},${b},toll,\n${guarded},${b},toll,yes\n`));
    const r = await attendant('numbers', 'delete', plain, guarded, missing, '--json');
    expect(r.code).toBe(1);
    expect(r.json.numbers).toEqual({ deleted: 1, absent: 1, failed: 1 });
    expect(r.json.items.find((i: { number: string }) => i.number === guarded).error.code).toBe('number_in_use');
    expect((await getNumber(plain)).status).toBe(404);
    expect((await getNumber(guarded)).status).toBe(200);
    const again = await attendant('numbers', 'delete', plain);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/absent\s+\+/);
  });
});
