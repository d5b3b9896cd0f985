// The admin endpoints as a table for tests that run every endpoint the same way (tenancy,
// fuzzing), built from the declarations the router and the OpenAPI document are built from
// (src/admin/endpoints/): a new endpoint is in every such test at once. Path parameters come
// from the fixture; a PUT or DELETE gets a fresh target of its own, since it changes it.
import { randomInt } from 'node:crypto';
import supertest from 'supertest';
import { ENDPOINTS } from '../../src/admin/endpoints/index.js';
import { successStatus, type Endpoint, type Samples } from '../../src/admin/endpoint.js';
import { paramNames } from '../../src/admin/path-params.js';
import { expectStatus, freshEmail, freshNumber, type Harness, type Provisioned } from './harness.js';

/** platform: platform keys only; tenant: keys of the tenant in the path; any: every valid key. */
export type Scope = Endpoint['access'];
export interface Route {
  name: string;
  scope: Scope;
  method: 'get' | 'post' | 'put' | 'patch' | 'del';
  /** Builds a fresh request target (and body) each time: some calls change state. */
  target: () => Promise<{ path: string; body?: unknown }>;
  ok: number;
  /** What another tenant's key gets, when not what the scope implies. */
  otherTenant?: number;
  /** What a read-only key gets, when not what the method and scope imply. */
  readOnly?: number;
}

/** Outcomes that differ in tests from the declared success, and why. */
export const EXPECTED: Record<string, number> = {
  // no Twilio account is configured in tests: a platform key gets past access control to 503
  'post /dial-in-numbers/:number/twilio-sync': 503,
};

/** 'any' endpoints that show a tenant key only its tenant's resources: another tenant's key gets 404. */
const TENANT_RESOURCES = new Set(['get /jobs/:jobId']);

/** Reads a read-only key may not make: listing API keys is for admins who may manage them. */
const READ_ONLY_REFUSED = new Set(['get /api-keys']);

export type Fixture = () => { h: Harness; fixture: Provisioned };

export function adminRoutes(ctx: Fixture): Route[] {
  return ENDPOINTS.map((e) => ({
    name: e.summary,
    scope: e.access,
    method: e.method === 'delete' ? 'del' : e.method,
    ok: EXPECTED[`${e.method} ${e.path}`] ?? successStatus(e),
    otherTenant: TENANT_RESOURCES.has(`${e.method} ${e.path}`) ? 404 : undefined,
    readOnly: READ_ONLY_REFUSED.has(`${e.method} ${e.path}`) ? 403 : undefined,
    target: () => target(e, ctx),
  }));
}

async function target(e: Endpoint, ctx: Fixture): Promise<{ path: string; body?: unknown }> {
  const names = paramNames(e.path);
  const params: Record<string, string> = {};
  for (const [i, name] of names.entries()) {
    // the last parameter of a PUT or DELETE names what it changes: a fresh one of its own
    const fresh = i === names.length - 1 && (e.method === 'put' || e.method === 'delete') ? e.method : null;
    params[name] = await resolve(name, fresh, ctx);
  }
  const path = e.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => encodeURIComponent(params[name]!));
  const example = e.example?.(await samples(ctx, params));
  return { path: `/api/v1${path}${example?.query ? `?${example.query}` : ''}`, body: example?.body ?? (e.body ? {} : undefined) };
}

export async function resolve(name: string, fresh: 'put' | 'delete' | null, ctx: Fixture): Promise<string> {
  const { h, fixture } = ctx();
  const t = fixture.tenant.id;
  const user = fixture.users[1]!.id;
  switch (name) {
    case 'tenantId': return t;
    case 'bridgeId': return fixture.bridge.id;
    case 'userId':
      return fresh ? (await expectStatus(h.api.post(`/api/v1/tenants/${t}/users`, { email: freshEmail(), displayName: 'x', sendEmail: false }), 201)).id : user;
    case 'number':
      if (fresh === 'put') return freshNumber();
      return fresh ? await spareNumber(ctx) : fixture.number;
    case 'caller': return freshNumber();
    case 'keyId': return (await expectStatus(h.api.post('/api/v1/api-keys', { name: 'k' }), 201)).id;
    case 'meetingId':
      return (await expectStatus(h.api.post(`/api/v1/tenants/${t}/users/${user}/meetings`, {
        subject: 'Weekly', startsAt: new Date(Date.now() + 86_400_000).toISOString(), endsAt: new Date(Date.now() + 90_000_000).toISOString(),
      }), 201)).id;
    case 'jobId': return (await expectStatus(h.api.post(`/api/v1/tenants/${t}/conference-id-resets`, { userIds: [user], sendEmail: false }), 202)).jobId;
    case 'integrationId':
      return fresh ? (await newIntegration(ctx)).id : (await sharedIntegration(ctx)).id;
    case 'roomId': {
      // a room the mapper issued an ID for, asked as Jitsi Meet asks (the integration's own origin)
      const integration = await sharedIntegration(ctx);
      const conference = `room${randomInt(1e9)}@conference.meet.example.com`;
      const res = await supertest(h.app).get(`/jitsi/${integration.id}/conferenceMapper?conference=${conference}`).set('origin', 'https://meet.example.com');
      if (res.status !== 200) throw new Error(`mapper answered ${res.status}: ${res.text}`);
      const { rows } = await h.services.db.query<{ id: string }>('SELECT id FROM jitsi_rooms WHERE integration_id = $1 AND conference = $2', [integration.id, conference]);
      return rows[0]!.id;
    }
    case 'messageId': {
      const { rows } = await h.services.db.query<{ id: string }>(
        "INSERT INTO outbox (kind, payload, status, done_at, last_error) VALUES ('email', '{}', 'dead', now(), 'test') RETURNING id");
      return rows[0]!.id;
    }
    default: throw new Error(`no fixture for the path parameter :${name}; add one here`);
  }
}

/** A new toll number on the fixture's bridge. */
async function spareNumber(ctx: Fixture): Promise<string> {
  const { h, fixture } = ctx();
  const n = freshNumber();
  await expectStatus(h.api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(n)}`, { bridgeId: fixture.bridge.id, type: 'toll' }), 201);
  return n;
}

async function newIntegration(ctx: Fixture): Promise<{ id: string }> {
  const { h, fixture } = ctx();
  return expectStatus(h.api.post(`/api/v1/tenants/${fixture.tenant.id}/jitsi-integrations`, {
    name: 'meet', mucDomains: ['conference.meet.example.com'], allowedOrigins: ['https://meet.example.com'],
  }), 201);
}

/** One integration per fixture for the routes that only read or act inside it. */
const integrations = new WeakMap<Provisioned, Promise<{ id: string }>>();
function sharedIntegration(ctx: Fixture): Promise<{ id: string }> {
  const { fixture } = ctx();
  let integration = integrations.get(fixture);
  if (!integration) integrations.set(fixture, (integration = newIntegration(ctx)));
  return integration;
}

/** One spare number per fixture is enough for examples (a move to it may move nobody the second time). */
const spares = new WeakMap<Provisioned, Promise<string>>();
function sharedSpare(ctx: Fixture): Promise<string> {
  const { fixture } = ctx();
  let spare = spares.get(fixture);
  if (!spare) spares.set(fixture, (spare = spareNumber(ctx)));
  return spare;
}

export async function samples(ctx: Fixture, params: Record<string, string>): Promise<Samples> {
  const { fixture } = ctx();
  return {
    tenantId: params.tenantId ?? fixture.tenant.id,
    bridgeId: params.bridgeId ?? fixture.bridge.id,
    userId: params.userId ?? fixture.users[1]!.id,
    number: fixture.number,
    spareNumber: await sharedSpare(ctx),
    email: () => freshEmail(),
    conferenceId: () => String(randomInt(2_000_000, 9_000_000)),
    inHours: (h) => new Date(Date.now() + h * 3600_000).toISOString(),
  };
}
