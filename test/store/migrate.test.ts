// The migration runner: applies once, in order, refuses edited files, and lets several
// instances start at once (advisory lock).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging.js';
import { findMigrationsDir, migrate, migrateWhenReachable } from '../../src/store/migrate.js';
import { PrivateDatabase } from '../support/private-services.js';
import { TcpProxy } from '../support/tcp-proxy.js';

let db: PrivateDatabase;
let dir: string;

beforeAll(async () => {
  db = await PrivateDatabase.create(); // already migrated with the real files
  dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

const query = async (url: string, sql: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { return (await c.query(sql)).rows; } finally { await c.end(); }
};

describe('migrations', () => {
  it('are recorded with checksums and not applied twice', async () => {
    expect(await migrate(db.url, silentLogger)).toEqual([]);
    const rows = await query(db.url, 'SELECT name, checksum FROM schema_migrations ORDER BY name');
    expect(rows[0]).toMatchObject({ name: '0001_initial.sql' });
    expect(rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuse a file edited after it was applied', async () => {
    const original = readFileSync(path.join(findMigrationsDir(), '0001_initial.sql'), 'utf8');
    writeFileSync(path.join(dir, '0001_initial.sql'), original + '\n-- edited\n');
    await expect(migrate(db.url, silentLogger, dir)).rejects.toThrow(/0001_initial.sql was edited after it was applied/);
  });

  it('apply new files in order, each in its own transaction, even when instances start together', async () => {
    const fresh = await PrivateDatabase.create();
    try {
      const d2 = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
      writeFileSync(path.join(d2, '0001_a.sql'), 'CREATE TABLE a (x int);');
      writeFileSync(path.join(d2, '0002_b.sql'), 'INSERT INTO a VALUES (1);');
      // the private database already has 0001_initial; these are new names, so they apply
      const results = await Promise.all([migrate(fresh.url, silentLogger, d2), migrate(fresh.url, silentLogger, d2), migrate(fresh.url, silentLogger, d2)]);
      expect(results.flat().sort()).toEqual(['0001_a.sql', '0002_b.sql']);
      expect(await query(fresh.url, 'SELECT x FROM a')).toEqual([{ x: 1 }]);
      writeFileSync(path.join(d2, '0003_bad.sql'), 'INSERT INTO a VALUES (2); SELECT no_such_function();');
      await expect(migrate(fresh.url, silentLogger, d2)).rejects.toThrow(/0003_bad.sql failed/);
      expect(await query(fresh.url, 'SELECT x FROM a')).toEqual([{ x: 1 }]); // rolled back
      rmSync(d2, { recursive: true, force: true });
    } finally {
      await fresh.drop();
    }
  });

  it('refuse badly named files', async () => {
    const d3 = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    writeFileSync(path.join(d3, 'init.sql'), 'SELECT 1;');
    await expect(migrate(db.url, silentLogger, d3)).rejects.toThrow(/NNNN_lower_case.sql: init.sql/);
    rmSync(d3, { recursive: true, force: true });
  });

  it('wait for a database that cannot be reached yet, and give up after the wait', async () => {
    const proxy = await TcpProxy.start(Number(new URL(db.url).port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    await proxy.cut();
    try {
      await expect(migrateWhenReachable(viaProxy.toString(), silentLogger, { waitMs: 600, everyMs: 100 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      const started = Date.now();
      setTimeout(() => void proxy.restore(), 1000);
      expect(await migrateWhenReachable(viaProxy.toString(), silentLogger, { waitMs: 10_000, everyMs: 100 })).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await proxy.cut();
    }
  });
});
