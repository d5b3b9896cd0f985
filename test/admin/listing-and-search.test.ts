// The listings an admin console and scripts page through: a tenant's users (searched by name and
// email, sorted by name), tenants (platform keys) and API keys (platform keys and tenant admins).
// Each is checked for what it shows, whom it shows it to, what it refuses, and that its pages
// neither repeat nor skip an item while names are equal and rows come and go between pages.
import { randomInt } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantSample } from '../../src/store/search-sample.js';
import { searchTerm } from '../../src/store/search-term.js';
import { orderedMatches, planFor, sortedMatches, type SearchPlan } from '../../src/store/user-search.js';
import { adminClient, BOOTSTRAP_KEY, createHarness, expectStatus, freshEmail, provision, type Harness, type Provisioned } from '../support/harness.js';

let h: Harness;
let mine: Provisioned, theirs: Provisioned;
const keys = { own: '', ownReadOnly: '', other: '', platformReadOnly: '' };
// this run's names, in a database other files share; one letter and digits, so that it never spells
// a term searched for below (hex once did: "ada")
const tag = `q${randomInt(1e9, 1e10)}`;

beforeAll(async () => {
  h = await createHarness();
  [mine, theirs] = await Promise.all([provision(h, { users: 0 }), provision(h, { users: 0 })]);
  const key = async (body: object) => (await expectStatus(h.api.post('/api/v1/api-keys', body), 201)).key as string;
  keys.own = await key({ name: `own ${tag}`, tenantId: mine.tenant.id });
  keys.ownReadOnly = await key({ name: `own ro ${tag}`, tenantId: mine.tenant.id, readOnly: true });
  keys.other = await key({ name: `other ${tag}`, tenantId: theirs.tenant.id });
  keys.platformReadOnly = await key({ name: `platform ro ${tag}`, readOnly: true });
});
afterAll(async () => { await h.close(); });

const usersPath = (t: { id: string }) => `/api/v1/tenants/${t.id}/users`;
const enable = (t: { id: string }, displayName: string, email = freshEmail()) =>
  expectStatus(h.api.post(usersPath(t), { email, displayName, sendEmail: false }), 201) as Promise<{ id: string; email: string; displayName: string }>;
const names = (items: { displayName: string }[]) => items.map((u) => u.displayName);

/** Every item of a listing, page by page (`limit` per page), with the number of pages. */
async function pageThrough(path: string, limit: number, key = BOOTSTRAP_KEY, between?: (sofar: { id: string }[]) => Promise<void>) {
  const items: { id: string; displayName: string; name: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const body = await expectStatus(adminClient(h.app, key).get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`), 200);
    expect(body.items.length).toBeLessThanOrEqual(limit);
    items.push(...body.items);
    cursor = body.nextCursor;
    pages++;
    if (cursor && between) await between(items);
  } while (cursor && pages < 1000);
  return { items, pages };
}

/** A tenant's enabled users in the order the listing promises: lowercased name in code points, then id. */
const dbOrder = async (tenantId: string) => (await h.services.db.query<{ id: string }>(
  'SELECT id FROM users WHERE tenant_id = $1 AND disabled_at IS NULL ORDER BY lower(display_name) COLLATE "C", id', [tenantId])).rows.map((r) => r.id);

/** Lower-cased name, then id, for names that sort alike in every collation (same letters, ASCII). */
const byNameThenId = <T extends { id: string }>(key: (x: T) => string) => (a: T, b: T) =>
  key(a) === key(b) ? (a.id < b.id ? -1 : 1) : key(a) < key(b) ? -1 : 1;

describe('GET /tenants/{t}/users: search and paging', () => {
  let tenant: Provisioned['tenant'];
  const made: { id: string; email: string; displayName: string }[] = [];
  beforeAll(async () => {
    ({ tenant } = await provision(h, { users: 0 }));
    const people = [
      ['Ada Lovelace', 'ada@analytical.example.com'], ['ada byron', 'countess@example.org'], ['Grace Hopper', 'grace@navy.example.com'],
      ['Alan Turing', 'alan@bletchley.example.com'], ['Barbara Liskov', 'liskov@mit.example.edu'], ['100% Sure', 'percent@example.com'],
      ['Under_Score', 'underscore@example.com'], ['Katherine Johnson', 'kj@nasa.example.gov'],
    ] as const;
    for (const [displayName, email] of people) made.push(await enable(tenant, displayName, email.replace('@', `.${tag}@`)));
    // equal names, in two cases: only the id orders them
    for (let k = 0; k < 9; k++) made.push(await enable(tenant, k % 2 ? 'Sam Same' : 'sam same'));
  });

  it('lists every enabled user sorted by name (ignoring case), then id', async () => {
    const body = await expectStatus(h.api.get(usersPath(tenant)), 200);
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((u: { id: string }) => u.id)).toEqual(await dbOrder(tenant.id));
    expect(new Set(body.items.map((u: { id: string }) => u.id))).toEqual(new Set(made.map((u) => u.id)));
    expect(names(body.items).slice(0, 3)).toEqual(['100% Sure', 'ada byron', 'Ada Lovelace']);
  });

  it('finds by a prefix or a substring of the name, and a fragment of the email, ignoring case', async () => {
    const search = async (q: string) => names((await expectStatus(h.api.get(`${usersPath(tenant)}?q=${encodeURIComponent(q)}`), 200)).items);
    expect(await search('ada')).toEqual(['ada byron', 'Ada Lovelace']);
    expect(await search('ADA')).toEqual(['ada byron', 'Ada Lovelace']);
    expect(await search('LOVE')).toEqual(['Ada Lovelace']);
    expect(await search('opp')).toEqual(['Grace Hopper']);
    expect(await search('bletchley')).toEqual(['Alan Turing']); // the email only
    expect(await search('countess')).toEqual(['ada byron']);
    expect(await search('.edu')).toEqual(['Barbara Liskov']);
    expect(await search('  turing ')).toEqual(['Alan Turing']); // trimmed
    expect(await search('nobody-here')).toEqual([]);
  });

  it('takes % and _ in a search literally', async () => {
    const search = async (q: string) => names((await expectStatus(h.api.get(`${usersPath(tenant)}?q=${encodeURIComponent(q)}`), 200)).items);
    expect(await search('%')).toEqual(['100% Sure']);
    expect(await search('_')).toEqual(['Under_Score']);
    expect(await search('a%e')).toEqual([]);
    expect(await search('\\')).toEqual([]);
  });

  it('an empty q is no filter (a cleared search box)', async () => {
    expect((await expectStatus(h.api.get(`${usersPath(tenant)}?q=`), 200)).items).toHaveLength(made.length);
  });

  it('still finds one user by exact email, ignoring case, and not by a fragment', async () => {
    const ada = made[0]!;
    expect((await expectStatus(h.api.get(`${usersPath(tenant)}?email=${encodeURIComponent(ada.email.toUpperCase())}`), 200)).items.map((u: { id: string }) => u.id)).toEqual([ada.id]);
    expect((await expectStatus(h.api.get(`${usersPath(tenant)}?email=ada`), 200)).items).toEqual([]);
  });

  it('pages neither repeat nor skip a user, equal names included, at every page size', async () => {
    const all = (await expectStatus(h.api.get(usersPath(tenant)), 200)).items.map((u: { id: string }) => u.id);
    for (const limit of [1, 2, 3, 4, 7]) {
      const { items, pages } = await pageThrough(usersPath(tenant), limit);
      expect(items.map((u) => u.id), `limit ${limit}`).toEqual(all);
      expect(pages).toBe(Math.ceil(all.length / limit));
    }
    const same = await pageThrough(`${usersPath(tenant)}?q=same`, 2);
    expect(same.items).toHaveLength(9);
    expect(new Set(same.items.map((u) => u.id)).size).toBe(9);
  });

  it('a cursor stays exact while users are added and removed between pages', async () => {
    const { tenant: t } = await provision(h, { users: 0 });
    const start: { id: string; displayName: string }[] = [];
    for (let k = 0; k < 12; k++) start.push(await enable(t, `Member ${String.fromCharCode(98 + (k % 6))}`)); // b..g, each twice
    const seen = new Set<string>();
    const removed = new Set<string>();
    const { items } = await pageThrough(usersPath(t), 3, BOOTSTRAP_KEY, async (sofar) => {
      for (const u of sofar) seen.add(u.id);
      // between pages: one user sorted before the cursor (never listed), one after it (listed
      // later), and one not yet listed removed
      await enable(t, 'Member a');
      await enable(t, 'Member z');
      const ahead = start.find((u) => !seen.has(u.id) && !removed.has(u.id));
      if (ahead) {
        await expectStatus(h.api.del(`${usersPath(t)}/${ahead.id}`), 204);
        removed.add(ahead.id);
      }
    });
    const ids = items.map((u) => u.id);
    expect(removed.size).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length); // no duplicates
    for (const u of start) expect(ids.includes(u.id), u.displayName).toBe(!removed.has(u.id)); // no skips
    expect(names(items)).not.toContain('Member a');
    expect(names(items)).toContain('Member z');
    const final = await dbOrder(t.id);
    expect(ids).toEqual(final.filter((id) => ids.includes(id))); // in order
  });
});

describe('GET /tenants/{t}/users?q= in a tenant large enough for each search plan', () => {
  // 12,500 users, more than the sample the plan is chosen from (store/search-sample.ts): a rare
  // term is fetched and sorted, a common one read in name order from the ordered index
  // (store/user-search.ts). Names that share their first 12 bytes ("Zed Longname …") have equal
  // index keys, and pages must still follow the full name, then the id; "Zed Jaa Nga", "Zed Jab
  // Ngb" differ by one in the 7th and 12th bytes, which keys wider than 6 bytes would lose to the
  // index's double-precision distances.
  let tenant: Provisioned['tenant'];
  let everyone: { id: string; name: string; email: string }[];
  beforeAll(async () => {
    ({ tenant } = await provision(h, { users: 0 }));
    await h.services.db.query(
      `INSERT INTO users (tenant_id, email, display_name, provider)
       SELECT $1, 'member' || i || '@' || CASE WHEN i % 10 = 1 THEN 'common.example' ELSE 'example.com' END,
              CASE WHEN i = 4321 THEN 'Unique Needle'
                   WHEN i % 10 = 0 THEN 'Zed ' || (i % 3)
                   WHEN i % 97 = 0 THEN 'Zed Longname ' || (ARRAY['b', 'A', 'a', 'c'])[1 + i % 4]
                   WHEN i % 89 = 0 THEN 'Zed Ja' || (ARRAY['b', 'a', 'c'])[1 + i % 3] || ' Ng' || (ARRAY['b', 'a', 'c'])[1 + i % 5 % 3]
                   WHEN i % 101 = 0 THEN 'Émile Zola'
                   ELSE (ARRAY['Abe', 'Bea', 'Cy', 'Dot', 'Eve', 'Fay', 'Gus', 'Hal'])[1 + i % 8] || ' ' || (ARRAY['Ames', 'Bell', 'Cole'])[1 + i % 3] END,
              'builtin'
         FROM generate_series(1, 12500) AS i`, [tenant.id]);
    await h.services.db.query('ANALYZE users');
    everyone = (await h.services.db.query<{ id: string; name: string; email: string }>(
      'SELECT id, display_name AS name, email FROM users WHERE tenant_id = $1 AND disabled_at IS NULL', [tenant.id])).rows;
  });

  /** The promise, written out: 3+ characters anywhere, 1-2 at a word start; lowercased name in UTF-8 byte order, then id. */
  const reference = (q: string) => {
    const t = q.toLowerCase();
    const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u);
    const core = t.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const match = core.length > 0 && core.length < 3
      ? (u: { name: string; email: string }) => [...words(u.name), ...words(u.email)].some((w) => w.startsWith(core))
      : (u: { name: string; email: string }) => u.name.toLowerCase().includes(t) || u.email.toLowerCase().includes(t);
    const key = (u: { name: string }) => Buffer.from(u.name.toLowerCase());
    return everyone.filter(match).sort((a, b) => Buffer.compare(key(a), key(b)) || (a.id < b.id ? -1 : 1)).map((u) => u.id);
  };

  const terms: [string, SearchPlan, string][] = [
    ['zed', 'ordered', 'common, every match sorting late, equal names and equal keys'],
    ['zed longname', 'sorted', 'rare, equal keys'],
    ['common', 'ordered', 'common and spread (an email domain)'],
    ['needle', 'sorted', 'rare'],
    ['e', 'ordered', 'one letter: the start of a word (Eve, example)'],
    ['zo', 'sorted', 'two letters at the start of a word (Zola), not inside one'],
    ['ém', 'sorted', 'a word start beyond ASCII'],
    ['zzz', 'sorted', 'nothing'],
  ];

  it.each(terms)('q=%s is answered by the %s plan (%s)', async (q, plan) => {
    expect(planFor(searchTerm(q), await tenantSample(h.services.db, tenant.id))).toBe(plan);
  });

  it.each(terms)('q=%s: the API\'s pages are the promised order, cursor after cursor', async (q) => {
    const want = reference(q);
    expect(want.length, 'the term matches what its description says').toBeGreaterThan(q === 'zzz' ? -1 : 0);
    const few: string[] = [];
    let cursor: string | null = null;
    for (let k = 0; k < 6; k++) {
      const body = await expectStatus(h.api.get(`${usersPath(tenant)}?q=${encodeURIComponent(q)}&limit=7${cursor ? `&cursor=${cursor}` : ''}`), 200);
      few.push(...body.items.map((u: { id: string }) => u.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(few).toEqual(want.slice(0, 42));
  });

  it.each(terms)('q=%s: both plans page through every match in the promised order', async (q) => {
    const want = reference(q);
    for (const [plan, limit] of [['sorted', 50], ['ordered', 50], ['ordered', 3]] as const) {
      const got: string[] = [];
      let after: { name: string; id: string } | undefined;
      for (let pages = 0; pages < Math.ceil(600 / limit); pages++) { // up to 600 matches: 'e' is everyone
        const ids = await h.services.db.transaction((tx) => (plan === 'sorted' ? sortedMatches : orderedMatches)(tx, tenant.id, searchTerm(q), { after, limit }));
        got.push(...ids);
        if (ids.length < limit) break;
        const last = everyone.find((u) => u.id === ids[ids.length - 1])!;
        after = { name: last.name.toLowerCase(), id: last.id };
      }
      expect(got, `${plan}, pages of ${limit}`).toEqual(want.slice(0, Math.max(got.length, Math.min(want.length, 600))));
    }
  });
});

describe('GET /tenants/{t}/users: tenancy and refusals', () => {
  it('a tenant key sees its own users only, and another tenant\'s listing is 404 even when names match', async () => {
    const twin = `Twin ${tag}`;
    const a = await enable(mine.tenant, twin);
    const b = await enable(theirs.tenant, twin);
    const own = await expectStatus(adminClient(h.app, keys.own).get(`${usersPath(mine.tenant)}?q=${encodeURIComponent(twin)}`), 200);
    expect(own.items.map((u: { id: string }) => u.id)).toEqual([a.id]);
    const ro = await expectStatus(adminClient(h.app, keys.ownReadOnly).get(`${usersPath(mine.tenant)}?q=${tag}`), 200);
    expect(ro.items.map((u: { id: string }) => u.id)).toEqual([a.id]);
    for (const q of ['', `?q=${encodeURIComponent(twin)}`, `?email=${encodeURIComponent(b.email)}`]) {
      const res = await adminClient(h.app, keys.own).get(`${usersPath(theirs.tenant)}${q}`);
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(b.id);
    }
  });

  it('listing users of a tenant that does not exist is 404, as reading it is', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const path of [`/api/v1/tenants/${missing}`, usersPath({ id: missing }), `${usersPath({ id: missing })}?q=ada`]) {
      const res = await h.api.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
  });

  it('refuses a bad cursor, a long or control-character q and a limit out of bounds with 422 problem+json naming the parameter', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const cases: [string, string][] = [
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${b64(['ada', 'not-a-uuid'])}`, 'cursor'],
      [`cursor=${b64(['ada'])}`, 'cursor'],
      [`cursor=${b64({ name: 'ada', id: mine.tenant.id })}`, 'cursor'],
      [`cursor=${b64(['a\u0000', mine.tenant.id])}`, 'cursor'],
      [`cursor=${Buffer.from(mine.tenant.id).toString('base64url')}`, 'cursor'], // the old id-only cursor
      [`cursor=${'A'.repeat(3001)}`, 'cursor'],
      [`q=${'x'.repeat(101)}`, 'q'],
      ['q=a%00b', 'q'],
      ['q=a&q=b', 'q'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['sort=name', ''],
    ];
    for (const [query, path] of cases) {
      const res = await h.api.get(`${usersPath(mine.tenant)}?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path), query).toContain(path);
    }
    expect((await h.api.get(`${usersPath(mine.tenant)}?limit=500&q=${'x'.repeat(100)}`)).status).toBe(200);
  });
});

describe('GET /tenants', () => {
  it('platform keys (read-only ones too) page through tenants sorted by name, searching the name; equal names neither repeat nor skip', async () => {
    const made: { id: string; name: string }[] = [];
    for (let k = 0; k < 7; k++) made.push(await expectStatus(h.api.post('/api/v1/tenants', { name: `${k % 3 ? 'Acme' : 'acme'} ${tag} ${k % 2}` }), 201));
    const expected = [...made].sort(byNameThenId<{ id: string; name: string }>((t) => t.name.toLowerCase())).map((t) => t.id);
    for (const key of [BOOTSTRAP_KEY, keys.platformReadOnly]) {
      for (const limit of [1, 2, 3]) {
        const { items } = await pageThrough(`/api/v1/tenants?q=${tag.toUpperCase()}`, limit, key);
        expect(items.map((t) => t.id)).toEqual(expected);
      }
    }
    const one = await expectStatus(h.api.get(`/api/v1/tenants?q=${encodeURIComponent(`acme ${tag} 1`)}`), 200);
    expect(one.items).toHaveLength(3);
    expect(one.items[0]).toMatchObject({ id: expect.any(String), bridgeId: expect.any(String), conferenceIdMode: 'static', pinLength: 5 });
    // the whole list reaches every tenant, these included
    const everything = (await pageThrough('/api/v1/tenants', 500)).items.map((t) => t.id);
    for (const id of [...expected, mine.tenant.id, theirs.tenant.id]) expect(everything).toContain(id);
  });

  it('is for platform keys only, and validates its parameters', async () => {
    for (const key of [keys.own, keys.ownReadOnly]) expect((await adminClient(h.app, key).get('/api/v1/tenants')).status).toBe(403);
    for (const query of ['limit=0', `q=${'x'.repeat(101)}`, 'cursor=zzz', 'email=a@b.c']) {
      const res = await h.api.get(`/api/v1/tenants?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.code).toBe('validation_failed');
    }
  });
});

describe('GET /bridges', () => {
  it('platform keys page through bridges sorted by name, searching the name; tenant keys are refused', async () => {
    // (tenants made without a bridge get one named after them, so search the hubs' own words)
    const made: { id: string; name: string }[] = [];
    for (let k = 0; k < 5; k++) made.push(await expectStatus(h.api.post('/api/v1/bridges', { name: `${k % 2 ? 'Hub' : 'hub'} ${tag} ${k % 3}` }), 201));
    const expected = [...made].sort(byNameThenId<{ id: string; name: string }>((b) => b.name.toLowerCase())).map((b) => b.id);
    for (const key of [BOOTSTRAP_KEY, keys.platformReadOnly]) {
      for (const limit of [1, 2]) {
        const { items } = await pageThrough(`/api/v1/bridges?q=${encodeURIComponent(`HUB ${tag}`)}`, limit, key);
        expect(items.map((b) => b.id)).toEqual(expected);
      }
    }
    const everything = (await pageThrough('/api/v1/bridges', 500)).items.map((b) => b.id);
    for (const id of [...expected, mine.tenant.bridgeId]) expect(everything).toContain(id);
    for (const key of [keys.own, keys.ownReadOnly]) expect((await adminClient(h.app, key).get('/api/v1/bridges')).status).toBe(403);
    expect((await h.api.get('/api/v1/bridges?cursor=zzz')).status).toBe(422);
  });
});

describe('GET /tenants/{t}/dial-in-numbers', () => {
  it('a tenant\'s keys (read-only ones too) read their bridge and its numbers, never another tenant\'s', async () => {
    const path = (t: { id: string }) => `/api/v1/tenants/${t.id}/dial-in-numbers`;
    const platformView = (await expectStatus(h.api.get(`/api/v1/dial-in-numbers?bridgeId=${mine.tenant.bridgeId}`), 200)).items;
    expect(platformView.length).toBeGreaterThan(0);
    for (const key of [keys.own, keys.ownReadOnly]) {
      const body = await expectStatus(adminClient(h.app, key).get(path(mine.tenant)), 200);
      expect(body.bridge.id).toBe(mine.tenant.bridgeId);
      expect(body.items).toEqual(platformView);
    }
    expect((await adminClient(h.app, keys.other).get(path(mine.tenant))).status).toBe(404);
    expect((await adminClient(h.app, keys.own).put(path(mine.tenant)).send({})).status).toBe(405);
  });
});

describe('GET /api-keys', () => {
  const ids = async (key: string, query = '') => (await pageThrough(`/api/v1/api-keys${query}`, 2, key)).items.map((k) => k.id);

  it('a tenant admin sees its own tenant\'s keys only; a platform key sees all, or one tenant\'s; never a key or its hash', async () => {
    const mineKeys = await expectStatus(h.api.get(`/api/v1/api-keys?tenantId=${mine.tenant.id}&limit=500`), 200);
    expect(mineKeys.items.map((k: { name: string }) => k.name).sort()).toEqual([`own ${tag}`, `own ro ${tag}`]);
    expect(mineKeys.items.find((k: { readOnly: boolean }) => k.readOnly)).toMatchObject({ tenantId: mine.tenant.id, revokedAt: null });
    expect(Object.keys(mineKeys.items[0]).sort()).toEqual(['createdAt', 'id', 'name', 'prefix', 'readOnly', 'revokedAt', 'tenantId']);
    expect(await ids(keys.own)).toEqual(mineKeys.items.map((k: { id: string }) => k.id));
    expect(await ids(keys.own, `?tenantId=${mine.tenant.id}`)).toEqual(mineKeys.items.map((k: { id: string }) => k.id));
    const theirIds = await ids(keys.other);
    expect(theirIds).toHaveLength(1);
    expect(theirIds.some((id) => mineKeys.items.some((k: { id: string }) => k.id === id))).toBe(false);
    const all = await ids(BOOTSTRAP_KEY);
    for (const id of [...mineKeys.items.map((k: { id: string }) => k.id), ...theirIds]) expect(all).toContain(id);
    // no listing shows a secret: neither the keys nor their stored hashes
    const { rows } = await h.services.db.query<{ key_hash: Buffer }>('SELECT key_hash FROM api_keys');
    for (const key of [BOOTSTRAP_KEY, keys.own]) {
      const text = (await adminClient(h.app, key).get('/api/v1/api-keys?limit=500')).text;
      for (const secret of Object.values(keys)) expect(text).not.toContain(secret.slice(15));
      for (const { key_hash } of rows) for (const enc of ['hex', 'base64'] as const) expect(text).not.toContain(key_hash.toString(enc));
    }
  });

  it('shows a revoked key with revokedAt', async () => {
    const k = await expectStatus(h.api.post('/api/v1/api-keys', { name: `gone ${tag}`, tenantId: theirs.tenant.id }), 201);
    await expectStatus(h.api.del(`/api/v1/api-keys/${k.id}`), 204);
    const listed = (await expectStatus(adminClient(h.app, keys.other).get('/api/v1/api-keys'), 200)).items.find((x: { id: string }) => x.id === k.id);
    expect(Date.parse(listed.revokedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses read-only keys (403), another tenant (404) and bad parameters (422)', async () => {
    for (const key of [keys.ownReadOnly, keys.platformReadOnly]) {
      const res = await adminClient(h.app, key).get('/api/v1/api-keys');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    expect((await adminClient(h.app, keys.own).get(`/api/v1/api-keys?tenantId=${theirs.tenant.id}`)).status).toBe(404);
    expect((await h.api.get('/api/v1/api-keys?tenantId=00000000-0000-4000-8000-000000000000')).status).toBe(404);
    for (const query of ['limit=0', 'limit=501', 'cursor=zzz', 'tenantId=nope', 'q=a']) {
      const res = await h.api.get(`/api/v1/api-keys?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.code).toBe('validation_failed');
    }
  });
});

describe('the new routes and the router', () => {
  const auth = { authorization: `Bearer ${BOOTSTRAP_KEY}` };

  it('answers 405 with Allow for another method on the new paths', async () => {
    const tenants = await request(h.app).delete('/api/v1/tenants').set(auth);
    expect(tenants.status).toBe(405);
    expect(tenants.headers.allow).toBe('POST, GET, HEAD');
    const keysRes = await request(h.app).put('/api/v1/api-keys').set(auth).send({});
    expect(keysRes.status).toBe(405);
    expect(keysRes.headers.allow).toBe('POST, GET, HEAD');
    expect(keysRes.body.code).toBe('method_not_allowed');
  });

  it('answers 415 to a create on those paths whose body is not JSON, and 422 naming the missing field when there is no body', async () => {
    for (const path of ['/api/v1/tenants', '/api/v1/api-keys']) {
      const wrong = await request(h.app).post(path).set(auth).set('content-type', 'text/plain').send('name=x');
      expect(wrong.status, path).toBe(415);
      expect(wrong.body.code).toBe('unsupported_media_type');
      const none = await request(h.app).post(path).set(auth);
      expect(none.status, path).toBe(422);
      expect(none.body.errors).toEqual([expect.objectContaining({ path: 'name' })]);
    }
  });
});
