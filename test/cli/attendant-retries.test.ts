// How `attendant` treats 429: a short Retry-After (the per-minute rate limit) is waited out and
// retried; a long one (a tenant quota: "retry in an hour") ends the item at once with the
// service's reason, instead of stalling a script.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const TENANT = '11111111-1111-4111-8111-111111111111';
const USER = '22222222-2222-4222-8222-222222222222';
let server: http.Server;
let url = '';
let answers: { status: number; retryAfter?: string; code?: string }[] = [];
let requests = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++;
    const next = answers.shift() ?? { status: 200 };
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(next.retryAfter ? { 'retry-after': next.retryAfter } : {}) };
    if (next.status === 200) return res.writeHead(200, headers).end(JSON.stringify({ conferenceId: '2718281', previousConferenceId: '3141592', emailQueued: false }));
    res.writeHead(next.status, headers).end(JSON.stringify({ status: next.status, code: next.code, detail: `refused: retry in ${next.retryAfter} s` }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const resetId = () => cli(['users', 'reset-id', '--tenant', TENANT, USER, '--json'], { url });

describe('429', () => {
  it('with a short Retry-After is retried after it', async () => {
    answers = [{ status: 429, retryAfter: '1', code: 'rate_limited' }];
    requests = 0;
    const started = Date.now();
    const r = await resetId();
    expect(r.code, r.stderr).toBe(0);
    expect(requests).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('with a quota\'s long Retry-After fails the item at once (exit 1) with the reason', async () => {
    answers = [{ status: 429, retryAfter: '3600', code: 'quota_exceeded' }];
    requests = 0;
    const started = Date.now();
    const r = await resetId();
    expect(r.code).toBe(1);
    expect(requests).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(r.json).toMatchObject({ outcome: 'failed', error: { status: 429, code: 'quota_exceeded', detail: 'refused: retry in 3600 s' } });
  });
});
