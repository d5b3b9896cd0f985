// Cheap refusals: once a client address is over its admin rate limit, its unknown API keys are
// refused (429) before they are looked up, so a flood of guessed keys costs PostgreSQL nothing.
// Queries are counted where they happen: every client the service's pool hands out (pg-pool's
// 'acquire' event), which any query or transaction needs.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/domain/api-keys.js';
import { createHarness, type Harness } from '../support/harness.js';

const LIMIT = 5;
let h: Harness;
let checkouts = 0;
beforeAll(async () => {
  // TRUST_PROXY_HOPS: each test speaks from its own client address (X-Forwarded-For), so other
  // files' refused requests from 127.0.0.1 do not count here
  h = await createHarness({ env: { ADMIN_RATE_LIMIT_PER_MIN: String(LIMIT), TRUST_PROXY_HOPS: '1' } });
  h.services.db.pool.on('acquire', () => { checkouts++; });
});
afterAll(async () => { await h.close(); });

const address = () => `198.51.100.${1 + (randomBytes(1)[0]! % 250)}`;
const guess = (from: string) => request(h.app).get('/api/v1/me').set('x-forwarded-for', from).set('authorization', `Bearer ${generateApiKey().key}`);

/** Database checkouts made while `work` runs. */
async function queriesDuring(work: () => Promise<unknown>): Promise<number> {
  const before = checkouts;
  await work();
  return checkouts - before;
}

describe('an address over its admin rate limit', () => {
  it('has its unknown keys refused before any database lookup, even 50 at once', async () => {
    const attacker = address();
    // within the limit, an unknown key costs one lookup and answers 401
    const within = await queriesDuring(async () => {
      for (let i = 0; i < LIMIT; i++) expect((await guess(attacker)).status).toBe(401);
    });
    expect(within).toBe(LIMIT);
    expect((await guess(attacker)).status).toBe(429); // the one that trips the limit
    let answers: request.Response[] = [];
    const flood = await queriesDuring(async () => { answers = await Promise.all(Array.from({ length: 50 }, () => guess(attacker))); });
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(429));
    for (const r of answers) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(flood).toBe(0);
    // no key at all, or a key of no stored shape: refused as before, and never looked up
    expect(await queriesDuring(async () => {
      expect((await request(h.app).get('/api/v1/me').set('x-forwarded-for', attacker)).status).toBe(429);
      expect((await request(h.app).get('/api/v1/me').set('x-forwarded-for', attacker).set('authorization', 'Bearer not-a-key')).status).toBe(429);
    })).toBe(0);

    // another address is not affected: its unknown key is looked up and refused 401
    const other = `203.0.113.${1 + (randomBytes(1)[0]! % 250)}`;
    const elsewhere = await queriesDuring(async () => { expect((await guess(other)).status).toBe(401); });
    expect(elsewhere).toBe(1);
  });
});
