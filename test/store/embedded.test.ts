// migrations/ and the admin API on the embedded database (PGlite behind pglite-socket), with the
// in-process cache: what `npm start` without DATABASE_URL and REDIS_URL runs on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/cache/memory-store.js';
import { silentLogger } from '../../src/logging.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/store/embedded.js';
import { migrate } from '../../src/store/migrate.js';
import { buildOutboxWorker } from '../../src/worker.js';
import { eventually } from '../support/private-db.js';
import { createHarness, expectStatus, freshEmail, freshNumber, provision, testConfig, type Harness } from '../support/harness.js';

// as main.ts configures it without DATABASE_URL: no named prepared statements (one shared backend)
const EMBEDDED_ENV = { DATABASE_PREPARED_STATEMENTS: 'false' };

describe('the embedded database', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'attendant-embedded-'));
  let db: EmbeddedDatabase;
  let h: Harness;
  let sql: pg.Client;

  beforeAll(async () => {
    db = await startEmbeddedDatabase(testConfig({ DATA_DIR: dataDir }), silentLogger);
    expect(db.created).toBe(true);
    expect(await migrate(db.url, silentLogger)).toEqual(expect.arrayContaining(['0001_initial.sql']));
    h = await createHarness({ databaseUrl: db.url, cache: new MemoryStore(), env: EMBEDDED_ENV });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await h?.close();
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is refused while its folder is open', async () => {
    await expect(startEmbeddedDatabase(testConfig({ DATA_DIR: dataDir }), silentLogger)).rejects.toThrow(/already open in this process/);
  });

  it('is never used in production', async () => {
    const production = { ...testConfig({ DATA_DIR: dataDir }), env: 'production' as const };
    await expect(startEmbeddedDatabase(production, silentLogger)).rejects.toThrow(/development only/);
  });

  it('runs the schema: generated columns, type-checking foreign keys and version triggers', async () => {
    const p = await provision(h);
    const bridge = await sql.query('SELECT default_toll_type, default_toll_free_type FROM bridges WHERE id = $1', [p.bridge.id]);
    expect(bridge.rows[0]).toEqual({ default_toll_type: 'toll', default_toll_free_type: 'toll_free' });

    // a toll-free number cannot become the toll default, even bypassing the code's own check
    const tollFree = freshNumber();
    await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(tollFree)}`, { bridgeId: p.bridge.id, type: 'toll_free' }), 201);
    await expect(sql.query('UPDATE bridges SET default_toll_number = $1 WHERE id = $2', [tollFree, p.bridge.id])).rejects.toMatchObject({ code: '23503' });
    // and a default cannot be deleted
    expect((await h.api.del(`/api/v1/dial-in-numbers/${encodeURIComponent(p.number)}`)).status).toBe(409);

    const before = await sql.query<{ version: string }>('SELECT version FROM users WHERE id = $1', [p.users[0]!.id]);
    await expectStatus(h.api.post(`/api/v1/tenants/${p.tenant.id}/users/${p.users[0]!.id}/leader-pin/reset`, { sendEmail: false }), 200);
    const after = await sql.query<{ version: string }>('SELECT version FROM users WHERE id = $1', [p.users[0]!.id]);
    expect(BigInt(after.rows[0]!.version)).toBeGreaterThan(BigInt(before.rows[0]!.version));
  });

  it('resets an ID: the old one is refused at once and cannot be taken again', async () => {
    const p = await provision(h, { users: 2 });
    const [u, other] = p.users as [typeof p.users[0], typeof p.users[0]];
    const r = await expectStatus(h.api.post(`/api/v1/tenants/${p.tenant.id}/users/${u.id}/conference-id/reset`, { sendEmail: false }), 200);
    expect(r.previousConferenceId).toBe(u.conferenceId);
    expect(await h.services.directory.lookupConferenceId(p.bridge.id, Number(u.conferenceId))).toMatchObject({ status: 'retired' });
    expect(await h.services.directory.lookupConferenceId(p.bridge.id, Number(r.conferenceId))).toMatchObject({ status: 'active', ownerId: u.id });
    const taken = await h.api.put(`/api/v1/tenants/${p.tenant.id}/users/${other.id}/conference-id`, { conferenceId: u.conferenceId });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('conference_id_unavailable');
  });

  it('serves concurrent requests through one pool (transactions stay whole)', async () => {
    const p = await provision(h, { users: 0 });
    const results = await Promise.all(Array.from({ length: 24 }, () =>
      h.api.post(`/api/v1/tenants/${p.tenant.id}/users`, { email: freshEmail(), displayName: 'Parallel', sendEmail: false })));
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(201));
    const ids = results.map((r) => r.body.conferenceId as string);
    expect(new Set(ids).size).toBe(24);
    const audit = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'user.enabled'", [p.tenant.id]);
    expect(audit.rows[0]!.n).toBe(24);
  });

  it('keeps each connection\'s statements, parameters and errors apart', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 8 });
    try {
      const outcomes = await Promise.all(Array.from({ length: 300 }, (_, i) => {
        const q = i % 3 === 0 ? pool.query('SELECT $1::int AS n', [i])
          : i % 3 === 1 ? pool.query('SELECT $1::int + $2::int AS n, $3::text AS t', [i, 0, 'x'])
            : pool.query('SELECT $1::int AS n', [`not a number ${i}`]);
        return q.then((r) => (r.rows[0].n === i ? 'right' : 'wrong'), (e: Error) => (i % 3 === 2 && /invalid input syntax/.test(e.message) ? 'refused' : `error: ${e.message}`));
      }));
      expect(outcomes.filter((o) => o === 'right')).toHaveLength(200);
      expect(outcomes.filter((o) => o === 'refused')).toHaveLength(100);
    } finally {
      await pool.end();
    }
  });

  it('runs jobs to the end: a bulk reset and the meeting migration it causes', async () => {
    const worker = buildOutboxWorker(h.services, { mailer: null, idlePollMs: 50, periodic: [] });
    worker.worker.start();
    try {
      const p = await provision(h, { users: 3 });
      const u = p.users[0]!;
      await expectStatus(h.api.post(`/api/v1/tenants/${p.tenant.id}/users/${u.id}/meetings`, {
        subject: 'Planning', startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      }), 201);
      const { jobId } = await expectStatus(h.api.post(`/api/v1/tenants/${p.tenant.id}/conference-id-resets`, { all: true, sendEmail: false }), 202);
      const done = await eventually(() => expectStatus(h.api.get(`/api/v1/jobs/${jobId}`), 200), (j) => j.status !== 'queued' && j.status !== 'running', 30_000);
      expect(done).toMatchObject({ status: 'succeeded', total: 3, succeeded: 3, failed: 0 });
      const migrations = await eventually(
        () => expectStatus(h.api.get(`/api/v1/tenants/${p.tenant.id}/jobs`), 200),
        (l) => l.items.some((j: { kind: string; status: string }) => j.kind === 'meeting_migration' && j.status === 'succeeded'), 30_000);
      expect(migrations.items.filter((j: { kind: string }) => j.kind === 'meeting_migration')).toEqual([expect.objectContaining({ status: 'succeeded', total: 1, succeeded: 1 })]);
    } finally {
      await worker.stop();
    }
  }, 90_000);

  it('keeps its data across a restart', async () => {
    const p = await provision(h, { users: 1 });
    await sql.end();
    await h.close();
    await db.close();
    db = await startEmbeddedDatabase(testConfig({ DATA_DIR: dataDir }), silentLogger);
    expect(db.created).toBe(false);
    expect(await migrate(db.url, silentLogger)).toEqual([]);
    h = await createHarness({ databaseUrl: db.url, cache: new MemoryStore(), env: EMBEDDED_ENV });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const user = await expectStatus(h.api.get(`/api/v1/tenants/${p.tenant.id}/users/${p.users[0]!.id}`), 200);
    expect(user.conferenceId).toBe(p.users[0]!.conferenceId);
  }, 60_000);
});
