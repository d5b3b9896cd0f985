// Request logs (ids, CallSids, never Digits or query strings) and the Prometheus metrics.
import { randomBytes } from 'node:crypto';
import { outboxDepthByKind } from '../../src/store/outbox-claims.js';
import { Writable } from 'node:stream';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { MemoryStore } from '../../src/cache/memory-store.js';
import { silentLogger } from '../../src/logging.js';
import { Metrics } from '../../src/metrics.js';
import type { Services } from '../../src/services.js';
import { Database } from '../../src/store/db.js';
import { buildServices } from '../../src/wiring.js';
import { SimulatedCall } from '../../src/simulator/index.js';
import { adminClient, AUTH_TOKEN, BOOTSTRAP_KEY, expectStatus, freshNumber, provision, testConfig, type Harness } from '../support/harness.js';

const CALL_SID = `CA${randomBytes(16).toString('hex')}`;
const lines: Record<string, unknown>[] = [];
const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
let s: Services;
let app: ReturnType<typeof createApp>;

let server: Server;
let serviceUrl: string;

beforeAll(async () => {
  const config = testConfig();
  s = buildServices(config, pino({ level: 'info' }, stream), config.databaseUrl!, new MemoryStore(), new Metrics({ defaultMetrics: false }));
  app = createApp(s);
  server = await new Promise((resolve) => { const srv = app.listen(0, '127.0.0.1', () => resolve(srv)); });
  serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await s.directory.trust.settle();
  await s.db.close();
});

/** A genuinely signed call through the real voice webhooks. */
const call = (to: string, callSid?: string) => {
  const c = new SimulatedCall({ serviceUrl, publicBaseUrl: s.config.publicBaseUrl, authToken: AUTH_TOKEN, to, from: '+14155550123' });
  if (callSid) Object.defineProperty(c, 'callSid', { value: callSid });
  return c;
};

const logOf = (id: string) => lines.find((l) => l.reqId === id && typeof l.ms === 'number');

describe('request logs', () => {
  it('carry the caller\'s X-Request-Id, echoed back', async () => {
    const res = await supertest(app).get('/api/v1/me').set('authorization', `Bearer ${BOOTSTRAP_KEY}`).set('x-request-id', 'lb-7f3a.42');
    expect(res.headers['x-request-id']).toBe('lb-7f3a.42');
    expect(logOf('lb-7f3a.42')).toMatchObject({ level: 30, method: 'GET', path: '/api/v1/me', status: 200 });
  });

  it('make up an id when none, or a strange one, is given', async () => {
    const none = await supertest(app).get('/api/v1/me');
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(logOf(none.headers['x-request-id']!)).toMatchObject({ status: 401 });
    const odd = await supertest(app).get('/healthz').set('x-request-id', 'a b"}{');
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('name the CallSid of each webhook, never its Digits, the caller or the query string', async () => {
    const h = { api: adminClient(app, BOOTSTRAP_KEY) } as Harness;
    const { number } = await provision(h, { tenant: { allowCallersToStartMeeting: true } });
    const c = call(number, CALL_SID);
    await c.dial();
    await c.press('7654321#'); // an unknown ID: the entry step's URL and Digits carry it
    const voiceLines = lines.filter((l) => l.callSid === CALL_SID && l.msg === 'voice webhook');
    expect(voiceLines.map((l) => l.path)).toEqual(['/voice/incoming', '/voice/entry']);
    expect(voiceLines.every((l) => l.status === 200 && typeof l.ms === 'number')).toBe(true);
    // the same field names as every other request line (logging.ts, RequestLogLine)
    const adminLine = lines.find((l) => l.path === '/api/v1/me' && l.reqId)!;
    const fields = (l: Record<string, unknown>) => Object.keys(l).filter((k) => !['level', 'time', 'service', 'hostname', 'pid', 'component', 'msg', 'reqId', 'callSid'].includes(k)).sort();
    expect(fields(voiceLines[0]!)).toEqual(fields(adminLine));
    expect(fields(adminLine)).toEqual(['method', 'ms', 'path', 'status']);
    const text = JSON.stringify(lines.filter((l) => JSON.stringify(l).includes(CALL_SID)));
    expect(text).not.toContain('7654321');
    expect(text).not.toContain('Digits');
    expect(text).not.toContain('+14155550123');
  });

  it('never carry the API key', async () => {
    await supertest(app).get('/api/v1/me').set('authorization', `Bearer ${BOOTSTRAP_KEY}`).set('x-request-id', 'keyed');
    expect(JSON.stringify(lines)).not.toContain(BOOTSTRAP_KEY);
  });

  it('leave health probes out', async () => {
    await supertest(app).get('/readyz').set('x-request-id', 'probe');
    expect(logOf('probe')).toBeUndefined();
  });
});

describe('/metrics', () => {
  const scrape = async () => (await supertest(app).get('/metrics').expect(200)).text;
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('times webhooks by route, and counts joins and failures by reason', async () => {
    const h = { api: adminClient(app, BOOTSTRAP_KEY) } as Harness;
    const { number, tenant, users: [u] } = await provision(h, { tenant: { allowCallersToStartMeeting: true } });
    const before = await scrape();
    const reset = await expectStatus(h.api.post(`/api/v1/tenants/${tenant.id}/users/${u!.id}/conference-id/reset`, { sendEmail: false }), 200);
    const refused = call(number);
    await refused.dial();
    await refused.press(`${u!.conferenceId}#`);
    const joined = call(number);
    await joined.dial();
    await joined.press(`${reset.conferenceId}#`);
    expect(joined.state).toBe('conference');
    await call(freshNumber()).dial();
    const after = await scrape();
    const grew = (series: string) => (value(after, series) ?? 0) - (value(before, series) ?? 0);
    expect(grew('attendant_voice_webhook_duration_seconds_count{route="/voice/incoming",status="200"}')).toBe(3);
    expect(grew('attendant_voice_webhook_duration_seconds_count{route="/voice/entry",status="200"}')).toBe(2);
    expect(grew('attendant_voice_joins_total{role="participant"}')).toBe(1);
    expect(grew('attendant_voice_entry_failures_total{reason="retired"}')).toBe(1);
    expect(grew('attendant_voice_entry_failures_total{reason="not_in_service"}')).toBe(1);
    // five steps, plus the conference's status callbacks (start, join) the simulator posts
    expect(grew('attendant_http_request_duration_seconds_count{group="voice",status="2xx"}')).toBeGreaterThanOrEqual(5);
    expect(after).toMatch(/attendant_http_request_duration_seconds_count\{group="admin",status="4xx"\} \d/);
  });

  it('reads the outbox depth and the oldest message\'s age from PostgreSQL', async () => {
    const kind = `metrics-test-${randomBytes(3).toString('hex')}`;
    const { rows } = await s.db.query<{ id: string }>(
      `INSERT INTO outbox (kind, payload, created_at) VALUES ($1, '{}', now() - interval '90 seconds'), ($1, '{}', now()) RETURNING id`, [kind]);
    try {
      const text = await scrape();
      expect(value(text, `attendant_outbox_pending{kind="${kind}"}`)).toBe(2);
      expect(value(text, 'attendant_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(90);
      expect(value(text, 'attendant_outbox_metrics_up')).toBe(1);
    } finally {
      await s.db.query(`UPDATE outbox SET status = 'dead', done_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
    }
    expect(value(await scrape(), `attendant_outbox_pending{kind="${kind}"}`)).toBeUndefined();
  });

  it('says so when the outbox cannot be read, without failing the scrape', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const dead = new Database({ url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 200 }, silentLogger);
    metrics.watchOutbox(() => outboxDepthByKind(dead));
    const text = await metrics.registry.metrics();
    expect(value(text, 'attendant_outbox_metrics_up')).toBe(0);
    await dead.close();
  });

  it('counts directory rebuilds by outcome', async () => {
    await s.directory.rebuilder.rebuildNumbers();
    await s.cache.set(s.keys.numbersRebuildLock, 'someone else', { ttlMs: 60_000 });
    await s.directory.rebuilder.rebuildNumbers();
    await s.cache.del(s.keys.numbersRebuildLock);
    const text = await scrape();
    expect(value(text, 'attendant_directory_rebuilds_total{scope="numbers",outcome="completed"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'attendant_directory_rebuilds_total{scope="numbers",outcome="skipped"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'attendant_directory_rebuild_duration_seconds_count{scope="numbers"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts ID resets and PIN resets', async () => {
    const h = { api: adminClient(app, BOOTSTRAP_KEY) } as Harness;
    const { tenant, users: [u] } = await provision(h);
    const before = await scrape();
    const path = `/api/v1/tenants/${tenant.id}/users/${u!.id}`;
    await expectStatus(h.api.post(`${path}/conference-id/reset`, { sendEmail: false }), 200);
    await expectStatus(h.api.post(`${path}/leader-pin/reset`, { sendEmail: false }), 200);
    const after = await scrape();
    const delta = (series: string) => (value(after, series) ?? 0) - (value(before, series) ?? 0);
    expect(delta('attendant_conference_id_changes_total{action="reset"}')).toBe(1);
    expect(delta('attendant_leader_pin_resets_total')).toBe(1);
  });
});
