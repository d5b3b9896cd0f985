// One fresh database per test run (migrated once) and one Redis key prefix per run, so runs
// never see each other's data and nothing shared is truncated. Needs the PostgreSQL and Redis
// named by TEST_PG_ADMIN_URL and TEST_REDIS_URL (defaults: the local services).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { silentLogger } from '../../src/logging.js';
import { migrate } from '../../src/store/migrate.js';

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  await migrate(url, silentLogger);
  return url;
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject) {
  const name = `attendant_test_${randomBytes(4).toString('hex')}`;
  const url = await createDatabase(name);
  project.provide('databaseUrl', url);
  project.provide('redisUrl', process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  project.provide('keyPrefix', `test-${randomBytes(3).toString('hex')}:`);
  return async () => {
    if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(name);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    keyPrefix: string;
  }
}
