// Two service processes on their own ports, sharing one PostgreSQL and one Redis (as behind a
// load balancer): every change made through one is honoured by the other at once. Callers are
// played with genuinely signed webhooks against the instance that did not make the change.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedCall } from '../../src/simulator/index.js';
import { freshNumber } from '../support/harness.js';
import { PrivateDatabase } from '../support/private-services.js';
import { startService, type ServiceProcess } from '../support/process.js';

const PUBLIC = 'https://attendant.example.test';
const TOKEN = randomBytes(16).toString('hex');
const KEY = `bootstrap-${randomBytes(24).toString('hex')}`;
let db: PrivateDatabase;
let a: ServiceProcess, b: ServiceProcess;

beforeAll(async () => {
  db = await PrivateDatabase.create();
  const env = {
    NODE_ENV: 'production', PUBLIC_BASE_URL: PUBLIC, DATABASE_URL: db.url, REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `multi-${randomBytes(3).toString('hex')}:`, TWILIO_AUTH_TOKEN: TOKEN, BOOTSTRAP_ADMIN_KEY: KEY,
    SECRETS_KEY: randomBytes(32).toString('hex'), RUN_WORKER: 'false', LOG_LEVEL: 'warn',
  };
  [a, b] = await Promise.all([startService(env), startService(env)]);
  await Promise.all([a.waitUntilReady(), b.waitUntilReady()]);
}, 120_000);

afterAll(async () => {
  for (const s of [a, b]) if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
  await db?.drop();
});

async function api(s: ServiceProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.base}/api/v1${path}`, {
    method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = res.status === 204 ? null : await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A caller on instance `s`: dials, enters the ID and '#', skips the organizer step. */
async function join(s: ServiceProcess, number: string, conferenceId: string): Promise<SimulatedCall> {
  const c = new SimulatedCall({ serviceUrl: s.base, publicBaseUrl: PUBLIC, authToken: TOKEN, to: number, from: freshNumber() });
  await c.dial();
  if (c.state === 'gathering') await c.press(`${conferenceId}#`);
  if (c.state === 'gathering' && c.gathering?.node.attrs.action?.includes('/voice/leader')) await c.press('#');
  return c;
}

async function provision(s: ServiceProcess) {
  const bridge = await api(s, 'POST', '/bridges', { name: 'multi' });
  const number = freshNumber();
  await api(s, 'PUT', `/dial-in-numbers/${encodeURIComponent(number)}`, { bridgeId: bridge.id, type: 'toll' });
  await api(s, 'PATCH', `/bridges/${bridge.id}`, { defaultTollNumber: number });
  const tenant = await api(s, 'POST', '/tenants', { name: 'multi', bridgeId: bridge.id });
  const user = await api(s, 'POST', `/tenants/${tenant.id}/users`, { email: `m.${randomBytes(4).toString('hex')}@example.com`, displayName: 'M', sendEmail: false });
  return { bridge, number, tenant, user };
}

describe('two instances sharing PostgreSQL and Redis', () => {
  it('a reset through one is refused by the other at once, round after round', async () => {
    const { number, tenant, user } = await provision(a);
    let current = user.conferenceId as string;
    expect((await join(b, number, current)).state).toBe('conference');
    for (let round = 0; round < 10; round++) {
      const [writer, reader] = round % 2 === 0 ? [a, b] : [b, a];
      const r = await api(writer, 'POST', `/tenants/${tenant.id}/users/${user.id}/conference-id/reset`, { sendEmail: false });
      expect((await join(reader, number, current)).state, `round ${round}: the old ID on the other instance`).not.toBe('conference');
      expect((await join(reader, number, r.conferenceId)).state, `round ${round}: the new ID on the other instance`).toBe('conference');
      current = r.conferenceId;
    }
  });

  it('a moved number routes to its new bridge on the other instance at once; a deleted one is out of service', async () => {
    const one = await provision(a), two = await provision(a);
    const extra = freshNumber();
    await api(a, 'PUT', `/dial-in-numbers/${encodeURIComponent(extra)}`, { bridgeId: one.bridge.id, type: 'toll' });
    expect((await join(b, extra, one.user.conferenceId)).state).toBe('conference');
    await api(a, 'PUT', `/dial-in-numbers/${encodeURIComponent(extra)}`, { bridgeId: two.bridge.id, type: 'toll' });
    expect((await join(b, extra, one.user.conferenceId)).state).not.toBe('conference');
    expect((await join(b, extra, two.user.conferenceId)).state).toBe('conference');
    await api(a, 'DELETE', `/dial-in-numbers/${encodeURIComponent(extra)}`);
    const gone = new SimulatedCall({ serviceUrl: b.base, publicBaseUrl: PUBLIC, authToken: TOKEN, to: extra, from: freshNumber() });
    await gone.dial();
    expect(gone.state).toBe('ended');
    expect(gone.documents.some((d) => d.body.includes('<Gather'))).toBe(false);
  });

  it('a PIN reset through one makes the old PIN fail on the other at once', async () => {
    const { number, tenant, user } = await provision(b);
    const tryPin = async (pin: string) => {
      const c = new SimulatedCall({ serviceUrl: a.base, publicBaseUrl: PUBLIC, authToken: TOKEN, to: number, from: freshNumber() });
      await c.dial();
      await c.press(`${user.conferenceId}#`);
      await c.press('*');
      await c.press(`${pin}#`);
      return c;
    };
    const first = await tryPin(user.leaderPin);
    expect(first.state).toBe('conference'); // the PIN is now cached on the shared Redis
    await first.hangup(); // the meeting ends, so the next caller gets the organizer step again
    const r = await api(b, 'POST', `/tenants/${tenant.id}/users/${user.id}/leader-pin/reset`, { sendEmail: false });
    const old = await tryPin(user.leaderPin);
    expect(old.state).toBe('gathering'); // asked again: a wrong PIN
    const fresh = await tryPin(r.leaderPin);
    expect(fresh.state).toBe('conference');
    expect(fresh.conference?.attrs.startConferenceOnEnter).toBe('true');
  });
});
