// A service wired to the run's test database and Redis, with supertest and helpers that set up
// the usual fixtures through the admin API (as an admin would), each with fresh names.
import { randomBytes, randomInt } from 'node:crypto';
import supertest from 'supertest';
import { inject } from 'vitest';
import type { Express, Router } from 'express';
import { createApp } from '../../src/app.js';
import { RedisStore } from '../../src/cache/redis-store.js';
import type { CacheStore } from '../../src/cache/store.js';
import { loadConfig, type Config } from '../../src/config.js';
import { leaderPinKey } from '../../src/domain/pins.js';
import { createLogger, silentLogger, type Logger } from '../../src/logging.js';
import { Metrics } from '../../src/metrics.js';
import type { Services } from '../../src/services.js';
import { buildServices } from '../../src/wiring.js';
import { VoiceWebhooks } from '../../src/voice/router.js';

export const BOOTSTRAP_KEY = 'test-bootstrap-key-' + 'k'.repeat(32);
export const AUTH_TOKEN = 'test-twilio-auth-token';
const SECRETS_KEY = 'a'.repeat(64);
/** The key leader-PIN hashes are bound to under testConfig's SECRETS_KEY (domain/pins.ts). */
export const TEST_PIN_KEY = leaderPinKey({ key: Buffer.from(SECRETS_KEY, 'hex'), ephemeral: false });

export interface HarnessOptions {
  env?: Record<string, string>;
  cache?: CacheStore;
  databaseUrl?: string;
  routers?: (s: Services) => Router[];
  /** Defaults to a silent logger. */
  log?: Logger;
}

export interface Harness {
  services: Services;
  config: Config;
  app: Express;
  /** The voice webhooks mounted in `app`; `voice.front(app)` serves them as main.ts does. */
  voice: VoiceWebhooks;
  /** supertest with the bootstrap key already set. */
  api: ReturnType<typeof adminClient>;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PUBLIC_BASE_URL: 'https://attendant.example.com',
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: inject('keyPrefix'),
    DATABASE_URL: inject('databaseUrl'),
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_KEY,
    SECRETS_KEY,
    LOG_LEVEL: 'silent',
    // every file of a run shares the bootstrap key and the Redis key prefix, so the admin rate
    // limit would count all of them together, and a fuzz file's burst could refuse another file's
    // request with a 429. Files that test the limit set their own (and their own prefix).
    ADMIN_RATE_LIMIT_PER_MIN: '10000000',
    ...env,
  });
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const config = testConfig(options.env);
  const cache = options.cache ?? new RedisStore({ url: config.redis.kind === 'single' ? config.redis.url : undefined }, silentLogger);
  if (cache instanceof RedisStore) await cache.waitUntilReady(5000);
  const log = options.log ?? (process.env.TEST_LOG ? createLogger(process.env.TEST_LOG) : silentLogger);
  const services = buildServices(config, log, options.databaseUrl ?? config.databaseUrl!, cache, new Metrics({ defaultMetrics: false }));
  const voice = new VoiceWebhooks(services);
  const app = createApp(services, { voice, routers: options.routers?.(services) });
  return {
    services,
    config,
    app,
    voice,
    api: adminClient(app, BOOTSTRAP_KEY),
    async close() {
      await services.directory.trust.settle();
      await services.db.close();
      if (!options.cache) await cache.close();
    },
  };
}

/** supertest calls with a bearer key. */
export function adminClient(app: Express, key: string | undefined) {
  const withKey = (t: supertest.Test) => (key ? t.set('authorization', `Bearer ${key}`) : t);
  const agent = supertest(app);
  return {
    get: (path: string) => withKey(agent.get(path)),
    del: (path: string) => withKey(agent.delete(path)),
    post: (path: string, body: unknown = {}) => withKey(agent.post(path)).send(body as object),
    put: (path: string, body: unknown = {}) => withKey(agent.put(path)).send(body as object),
    patch: (path: string, body: unknown = {}) => withKey(agent.patch(path)).send(body as object),
  };
}

let numberCounter = 0;
/** A fresh, well-formed North American E.164 number. */
export function freshNumber(): string {
  numberCounter++;
  return `+1${randomInt(201, 999)}${randomInt(200, 999)}${String((numberCounter * 7919 + randomInt(0, 1000)) % 10000).padStart(4, '0')}`;
}

// Digits only: a random hex part once spelled "ada" and matched another test's search term.
export const freshEmail = (tag = 'user') => `${tag}.${randomInt(2 ** 47)}@example.com`;

export interface Provisioned {
  bridge: { id: string };
  number: string;
  tenant: { id: string; bridgeId: string };
  users: { id: string; email: string; conferenceId: string | null; leaderPin?: string }[];
}

/** A bridge with a default toll number, a tenant on it, and `users` builtin users (no emails). */
export async function provision(
  h: Harness,
  { users = 1, tenant = {}, number = {}, user = {} }: { users?: number; tenant?: object; number?: object; user?: object } = {},
): Promise<Provisioned> {
  const bridge = await expectStatus(h.api.post('/api/v1/bridges', { name: 'bridge' }), 201);
  const e164 = freshNumber();
  await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(e164)}`, { bridgeId: bridge.id, type: 'toll', city: 'Springfield', country: 'US', ...number }), 201);
  await expectStatus(h.api.patch(`/api/v1/bridges/${bridge.id}`, { defaultTollNumber: e164 }), 200);
  const t = await expectStatus(h.api.post('/api/v1/tenants', { name: 'tenant', bridgeId: bridge.id, ...tenant }), 201);
  const list = [];
  for (let k = 0; k < users; k++) {
    list.push(await expectStatus(h.api.post(`/api/v1/tenants/${t.id}/users`, { email: freshEmail(), displayName: `Organizer ${k}`, sendEmail: false, ...user }), 201));
  }
  return { bridge, number: e164, tenant: t, users: list };
}

/** Awaits a supertest call, fails with its body when the status differs, returns the body. */
export async function expectStatus(test: supertest.Test, status: number) {
  const res = await test;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${res.text.slice(0, 400)}`);
  return res.body;
}
