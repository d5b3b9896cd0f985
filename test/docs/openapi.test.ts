// The OpenAPI document: every admin route is in it, its refs resolve, and the API's real
// answers have the documented shapes and statuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import type { z } from 'zod';
import { ENDPOINTS } from '../../src/admin/endpoints/index.js';
import { DOC_SAMPLES, mountedRoutes, openApiPath } from '../../src/admin/openapi/document.js';
import { adminApi } from '../../src/admin/router.js';
import * as shapes from '../../src/admin/openapi/shapes.js';
import { createHarness, expectStatus, freshEmail, provision, type Harness } from '../support/harness.js';

type Doc = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { name: string; in: string }[] }>>; components: { schemas: Record<string, unknown> } };

let h: Harness;
let doc: Doc;
beforeAll(async () => {
  h = await createHarness();
  const res = await supertest(h.app).get('/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => {
  await h.close();
});

/** The documented operation for a concrete call, e.g. ('post', '/api/v1/tenants/<uuid>/users'). */
function operationFor(method: string, url: string) {
  const path = url.split('?')[0]!;
  for (const [template, ops] of Object.entries(doc.paths)) {
    const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(path) && ops[method]) return ops[method]!;
  }
  throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
}

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1, served without a key, and documents every mounted admin route', () => {
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    // the contract's routes, and /me
    expect(listed).toEqual(expect.arrayContaining([
      'DELETE /api/v1/api-keys/{keyId}',
      'DELETE /api/v1/dial-in-numbers/{number}',
      'DELETE /api/v1/tenants/{tenantId}/users/{userId}',
      'GET /api/v1/bridges/{bridgeId}',
      'GET /api/v1/dial-in-numbers',
      'GET /api/v1/me',
      'GET /api/v1/tenants/{tenantId}',
      'GET /api/v1/tenants/{tenantId}/audit-events',
      'GET /api/v1/tenants/{tenantId}/users',
      'GET /api/v1/tenants/{tenantId}/users/{userId}',
      'PATCH /api/v1/bridges/{bridgeId}',
      'PATCH /api/v1/tenants/{tenantId}',
      'POST /api/v1/api-keys',
      'POST /api/v1/bridges',
      'POST /api/v1/tenants',
      'POST /api/v1/tenants/{tenantId}/users',
      'POST /api/v1/tenants/{tenantId}/users/{userId}/conference-id/reset',
      'POST /api/v1/tenants/{tenantId}/users/{userId}/conference-info/send',
      'POST /api/v1/tenants/{tenantId}/users/{userId}/leader-pin/reset',
      'PUT /api/v1/dial-in-numbers/{number}',
      'PUT /api/v1/tenants/{tenantId}/users/{userId}/conference-id',
      'POST /api/v1/tenants/{tenantId}/users/{userId}/meetings',
      'GET /api/v1/tenants/{tenantId}/users/{userId}/meetings/{meetingId}',
      'GET /api/v1/tenants/{tenantId}/users/{userId}/meetings/{meetingId}/invitation.ics',
      'POST /api/v1/tenants/{tenantId}/conference-id-resets',
      'GET /api/v1/jobs/{jobId}',
    ]));
  });

  it('has every $ref resolve to a component, and parameters for every path template', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
    for (const [template, ops] of Object.entries(doc.paths)) {
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) expect(op.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? []).toEqual(names);
    }
  });

  it('takes request bodies from the validating schemas (defaults, strictness, patterns)', () => {
    const body = (doc.paths['/api/v1/tenants/{tenantId}/users/{userId}/conference-id']!.put as unknown as { requestBody: { content: { 'application/json': { schema: Record<string, unknown> } } } })
      .requestBody.content['application/json'].schema;
    expect(body).toMatchObject({ type: 'object', additionalProperties: false, required: ['conferenceId'], properties: { conferenceId: { pattern: '^[1-9][0-9]{6}$' } } });
  });
});

describe('the API answers as documented', () => {
  /** Calls the API, checks the status is documented for the operation, and parses the body with the shape. */
  async function call(method: 'get' | 'post' | 'put' | 'patch' | 'del', url: string, body: unknown, status: number, shape?: z.ZodType) {
    const res = await (method === 'get' || method === 'del' ? h.api[method](url) : h.api[method](url, body));
    expect(res.status, res.text).toBe(status);
    const op = operationFor(method === 'del' ? 'delete' : method, url);
    expect(Object.keys(op.responses), `${method} ${url}`).toContain(String(status));
    if (shape) shape.parse(res.body);
    return res.body;
  }

  it('for bridges, numbers, tenants, users, IDs, PINs, keys and the audit trail', async () => {
    const p = await provision(h);
    const u = p.users[0]!;
    const userUrl = `/api/v1/tenants/${p.tenant.id}/users/${u.id}`;
    await call('get', `/api/v1/bridges/${p.bridge.id}`, undefined, 200, shapes.Bridge);
    await call('get', `/api/v1/dial-in-numbers?bridgeId=${p.bridge.id}`, undefined, 200, shapes.list(shapes.DialInNumber));
    await call('get', `/api/v1/tenants/${p.tenant.id}`, undefined, 200, shapes.Tenant);
    await call('post', `/api/v1/tenants/${p.tenant.id}/users`, { email: freshEmail(), displayName: 'Doc', sendEmail: false }, 201, shapes.EnabledUser);
    await call('get', `/api/v1/tenants/${p.tenant.id}/users?limit=1`, undefined, 200, shapes.page(shapes.User));
    await call('get', userUrl, undefined, 200, shapes.User);
    await call('post', `${userUrl}/conference-id/reset`, { sendEmail: false }, 200, shapes.ConferenceIdChange);
    await call('post', `${userUrl}/leader-pin/reset`, { sendEmail: false }, 200, shapes.LeaderPinReset);
    await call('post', `${userUrl}/conference-info/send`, {}, 202, shapes.EmailQueued);
    const key = await call('post', '/api/v1/api-keys', { name: 'doc key', tenantId: p.tenant.id }, 201, shapes.ApiKeyCreated);
    await call('get', '/api/v1/me', undefined, 200, shapes.Me);
    await call('get', `/api/v1/tenants/${p.tenant.id}/audit-events?limit=5`, undefined, 200, shapes.page(shapes.AuditEvent));
    await call('del', `/api/v1/api-keys/${key.id}`, undefined, 204);
    await call('del', userUrl, undefined, 204);
  });

  it('for meetings, jobs and the outbox', async () => {
    const p = await provision(h);
    const userUrl = `/api/v1/tenants/${p.tenant.id}/users/${p.users[0]!.id}`;
    const start = Date.now() + 86_400_000;
    const m = await call('post', `${userUrl}/meetings`, { subject: 'Doc', startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3_600_000).toISOString(), attendees: [freshEmail()] }, 201, shapes.Meeting);
    await call('get', `${userUrl}/meetings/${m.id}`, undefined, 200, shapes.Meeting);
    await call('get', `${userUrl}/meetings/${m.id}/invitation.ics`, undefined, 200);
    const job = await call('post', `/api/v1/tenants/${p.tenant.id}/conference-id-resets`, { all: true, sendEmail: false }, 202, shapes.JobAccepted);
    await call('get', `/api/v1/jobs/${job.jobId}`, undefined, 200, shapes.Job);
    await call('get', `/api/v1/tenants/${p.tenant.id}/jobs`, undefined, 200, shapes.list(shapes.Job));
    await call('get', '/api/v1/outbox/summary', undefined, 200, shapes.OutboxSummary);
    await call('get', '/api/v1/outbox?status=pending&limit=2', undefined, 200, shapes.page(shapes.OutboxMessage));
  });

  it('for meeting destinations and Jitsi integrations, their rooms and resets', async () => {
    const p = await provision(h);
    const t = `/api/v1/tenants/${p.tenant.id}`;
    await call('get', `${t}/destination`, undefined, 200, shapes.Destination);
    await call('put', `${t}/destination`, { kind: 'sip', uriTemplate: 'sip:jigasi@pbx.example.com', sipAuth: { username: 'u', password: 'p' } }, 200, shapes.Destination);
    await call('put', `/api/v1/bridges/${p.bridge.id}/destination`, { kind: 'twilio' }, 200, shapes.Destination);
    await call('get', `/api/v1/bridges/${p.bridge.id}/destination`, undefined, 200, shapes.Destination);
    const i = await call('post', `${t}/jitsi-integrations`, { name: 'meet', mucDomains: ['conference.meet.example.com'] }, 201, shapes.JitsiIntegration);
    await call('get', `${t}/jitsi-integrations`, undefined, 200, shapes.list(shapes.JitsiIntegration));
    await call('patch', `${t}/jitsi-integrations/${i.id}`, { maxLiveIds: 10 }, 200, shapes.JitsiIntegration);
    expect((await supertest(h.app).get(`/jitsi/${i.id}/conferenceMapper?conference=doc@conference.meet.example.com`)).status).toBe(200);
    const rooms = await call('get', `${t}/jitsi-integrations/${i.id}/rooms`, undefined, 200, shapes.page(shapes.MapperRoom));
    await call('post', `${t}/jitsi-integrations/${i.id}/rooms/${rooms.items[0].id}/conference-id/reset`, {}, 200, shapes.MapperIdReset);
    await call('put', `${t}/destination`, { kind: 'sip', uriTemplate: 'nope' }, 422, shapes.Problem);
    await call('del', `${t}/jitsi-integrations/${i.id}`, undefined, 204);
    await call('get', `${t}/jitsi-integrations/${i.id}`, undefined, 404, shapes.Problem);
    await call('del', `${t}/destination`, undefined, 204);
  });

  it('for refusals: problem+json with a documented status', async () => {
    const p = await provision(h);
    const userUrl = `/api/v1/tenants/${p.tenant.id}/users/${p.users[0]!.id}`;
    await call('put', `${userUrl}/conference-id`, { conferenceId: '0123' }, 422, shapes.Problem);
    await call('get', `/api/v1/tenants/${p.tenant.id}/users/00000000-0000-4000-8000-000000000000`, undefined, 404, shapes.Problem);
    await call('del', `/api/v1/dial-in-numbers/${encodeURIComponent(p.number)}`, undefined, 409, shapes.Problem);
    const anon = await supertest(h.app).get('/api/v1/me');
    expect(anon.status).toBe(401);
    expect(Object.keys(operationFor('get', '/api/v1/me').responses)).toContain('401');
    shapes.Problem.parse(anon.body);
  });
});

describe('one declaration per endpoint', () => {
  it('the router mounts exactly the declared endpoints, and the document lists exactly them', () => {
    const declared = ENDPOINTS.map((e) => `${e.method} ${e.path}`).sort();
    expect(new Set(declared).size).toBe(declared.length);
    const mounted = mountedRoutes(adminApi(h.services)).map((r) => `${r.method} ${r.path}`).sort();
    expect(mounted).toEqual(declared);
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)).sort();
    expect(listed).toEqual(ENDPOINTS.map((e) => `${e.method} ${openApiPath(e.path)}`).sort());
  });

  it('every declared example is accepted by the endpoint\'s own request schemas', () => {
    for (const e of ENDPOINTS) {
      const example = e.example?.(DOC_SAMPLES);
      if (e.body) expect(e.body.safeParse(example?.body ?? {}).success, `${e.method} ${e.path}`).toBe(true);
      if (e.query) expect(e.query.safeParse(Object.fromEntries(new URLSearchParams(example?.query ?? ''))).success, `${e.method} ${e.path}`).toBe(true);
    }
  });
});

describe('GET /docs', () => {
  it('renders the document as a page with no script, under a strict policy', async () => {
    const res = await supertest(h.app).get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const csp = res.headers['content-security-policy'];
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|script-src/);
    expect(res.text).not.toMatch(/<script/i);
    for (const path of Object.keys(doc.paths)) expect(res.text).toContain(path);
    expect(res.text).toContain('Reset a user&#39;s conference ID');
    expect(res.text).toContain('id="schema-User"');
  });
});
