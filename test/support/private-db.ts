// A database of the test file's own, for tests that run outbox workers: a worker claims any due
// row, so files that run workers must not share a database.
import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase } from './global-setup.js';

export async function privateDatabase(tag: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `attendant_${tag}_${randomBytes(4).toString('hex')}`;
  const url = await createDatabase(name);
  return { url, drop: () => (process.env.KEEP_TEST_DATABASE ? Promise.resolve() : dropDatabase(name)) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first value `probe` gives that is `ok`; throws (with the last value) when none is within `ms`. */
export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000, every = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`not met within ${ms} ms; the last value was ${JSON.stringify(v)?.slice(0, 500)}`);
    await sleep(every);
  }
}
