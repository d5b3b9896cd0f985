// A database connection that dies while a transaction holds it (a failover, a proxy cut, an
// operator's pg_terminate_backend) fails that transaction with 503 and nothing else: the process
// lives on. pg emits 'error' on a checked-out client whose socket closes; unheard, it would crash
// the process (the chaos test saw instances die this way).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging.js';
import { Database } from '../../src/store/db.js';
import { sleep } from '../support/private-db.js';
import { PrivateDatabase } from '../support/private-services.js';

let pdb: PrivateDatabase;
let db: Database;
const uncaught: unknown[] = [];
const record = (err: unknown) => uncaught.push(err);

beforeAll(async () => {
  pdb = await PrivateDatabase.create();
  db = new Database({ url: pdb.url, poolSize: 2 }, silentLogger);
  process.on('uncaughtException', record);
});
afterAll(async () => {
  process.off('uncaughtException', record);
  await db.close();
  await pdb.drop();
});

async function terminate(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: pdb.url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

describe('a connection lost inside a transaction', () => {
  it('fails the transaction with 503, does not crash the process, and the next one works', async () => {
    const outcome = db.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await terminate(rows[0]!.pid);
      await sleep(300); // the socket closes while the client is checked out
      await tx.query('SELECT 1');
    });
    await expect(outcome).rejects.toMatchObject({ code: 'unavailable' });
    await sleep(100);
    expect(uncaught).toEqual([]);
    const { rows } = await db.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]!.one).toBe(1);
  });
});
