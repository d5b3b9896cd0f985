// Applies migrations/NNNN_name.sql in order, each in its own transaction, under an advisory
// lock so that several instances can start at once. Each applied file's SHA-256 is recorded:
// editing an applied file is an error (add a new file instead).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from '../logging.js';
import { isDatabaseUnavailable } from './pg-errors.js';

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;
// An arbitrary constant shared by every instance: pg_advisory_lock's key for migrations.
const LOCK_KEY = 7_164_221_190;

export class MigrationError extends Error {}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = findMigrationsDir()): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const bad = names.filter((n) => !MIGRATION_FILE.test(n));
  if (bad.length) throw new MigrationError(`migration files must be named NNNN_lower_case.sql: ${bad.join(', ')}`);
  const files: MigrationFile[] = [];
  for (const name of names) {
    const sql = await readFile(path.join(dir, name), 'utf8');
    files.push({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return files;
}

/** Applies what is pending; returns the names it applied. */
export async function migrate(databaseUrl: string, log: Logger, dir?: string): Promise<string[]> {
  const files = await readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'conference-attendant migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const known = new Set(files.map((f) => f.name));
    for (const name of applied.keys()) {
      if (!known.has(name)) log.warn({ migration: name }, 'the database has a migration this code does not know (newer code ran here?)');
    }
    const done: string[] = [];
    for (const file of files) {
      const checksum = applied.get(file.name);
      if (checksum !== undefined) {
        if (checksum !== file.checksum) {
          throw new MigrationError(`migration ${file.name} was edited after it was applied (checksum ${checksum.slice(0, 12)} in the database, ${file.checksum.slice(0, 12)} on disk); add a new migration instead`);
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(file.sql);
        await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file.name, file.checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${file.name} failed: ${(err as Error).message}`);
      }
      log.info({ migration: file.name }, 'migration applied');
      done.push(file.name);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/**
 * `migrate`, waiting up to `waitMs` for a database that cannot be reached yet (a process started
 * while PostgreSQL restarts or fails over comes up once it is back, rather than exiting at once).
 * Any other error, and a database still unreachable at the end, is thrown.
 */
export async function migrateWhenReachable(databaseUrl: string, log: Logger, { waitMs = 60_000, everyMs = 1000 } = {}): Promise<string[]> {
  const end = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(databaseUrl, log);
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + everyMs > end) throw err;
      if (attempt === 1) log.warn({ err: (err as Error).message, waitS: Math.round(waitMs / 1000) }, 'the database is not reachable yet; waiting for it before starting');
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}

/** migrations/ at the project root, seen from src/store (tsx) or dist/src/store (build). */
export function findMigrationsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = ['../..', '../../..'].map((up) => path.resolve(here, up, 'migrations'));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new MigrationError(`no migrations folder at ${candidates.join(' or ')}`);
  return found;
}
