// The admin routes as a table, for tests that run every route the same way (tenancy, fuzzing).
// Each target is built afresh per call, since some calls change state.
import { expectStatus, freshEmail, freshNumber, type Harness, type Provisioned } from './harness.js';

/** platform: platform keys only; tenant: keys of the tenant in the path; any: every valid key. */
export type Scope = 'platform' | 'tenant' | 'any';
export interface Route {
  name: string;
  scope: Scope;
  method: 'get' | 'post' | 'put' | 'patch' | 'del';
  /** Builds a fresh request target (and body) each time: some calls change state. */
  target: () => Promise<{ path: string; body?: unknown }> | { path: string; body?: unknown };
  ok: number;
}

export function adminRoutes(ctx: () => { h: Harness; fixture: Provisioned }): Route[] {
  const h = () => ctx().h;
  const t = () => ctx().fixture.tenant.id;
  const bridge = () => ctx().fixture.bridge.id;
  const user = () => ctx().fixture.users[1]!.id;
  const meetingBody = () => ({ subject: 'Weekly', startsAt: new Date(Date.now() + 86_400_000).toISOString(), endsAt: new Date(Date.now() + 90_000_000).toISOString() });
  const newMeeting = async () => (await expectStatus(h().api.post(`/api/v1/tenants/${t()}/users/${user()}/meetings`, meetingBody()), 201)).id as string;
  const newJob = async () => (await expectStatus(h().api.post(`/api/v1/tenants/${t()}/conference-id-resets`, { userIds: [user()], sendEmail: false }), 202)).jobId as string;
  const newUser = async () => (await expectStatus(h().api.post(`/api/v1/tenants/${t()}/users`, { email: freshEmail(), displayName: 'x', sendEmail: false }), 201)).id as string;
  return [
    { name: 'create bridge', scope: 'platform', method: 'post', target: () => ({ path: '/api/v1/bridges', body: { name: 'b' } }), ok: 201 },
    { name: 'get bridge', scope: 'platform', method: 'get', target: () => ({ path: `/api/v1/bridges/${bridge()}` }), ok: 200 },
    { name: 'patch bridge', scope: 'platform', method: 'patch', target: () => ({ path: `/api/v1/bridges/${bridge()}`, body: { name: 'renamed' } }), ok: 200 },
    { name: 'put number', scope: 'platform', method: 'put', target: () => ({ path: `/api/v1/dial-in-numbers/${encodeURIComponent(freshNumber())}`, body: { bridgeId: bridge(), type: 'toll' } }), ok: 201 },
    { name: 'get number', scope: 'platform', method: 'get', target: () => ({ path: `/api/v1/dial-in-numbers/${encodeURIComponent(ctx().fixture.number)}` }), ok: 200 },
    // no Twilio account is configured in tests: a platform key gets past access control to 503
    { name: 'sync number to Twilio', scope: 'platform', method: 'post', target: () => ({ path: `/api/v1/dial-in-numbers/${encodeURIComponent(ctx().fixture.number)}/twilio-sync`, body: {} }), ok: 503 },
    { name: 'list numbers', scope: 'platform', method: 'get', target: () => ({ path: `/api/v1/dial-in-numbers?bridgeId=${bridge()}` }), ok: 200 },
    {
      name: 'delete number', scope: 'platform', method: 'del', ok: 204,
      target: async () => {
        const n = freshNumber();
        await expectStatus(h().api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(n)}`, { bridgeId: bridge(), type: 'toll' }), 201);
        return { path: `/api/v1/dial-in-numbers/${encodeURIComponent(n)}` };
      },
    },
    { name: 'create tenant', scope: 'platform', method: 'post', target: () => ({ path: '/api/v1/tenants', body: { name: 'x' } }), ok: 201 },
    { name: 'get tenant', scope: 'tenant', method: 'get', target: () => ({ path: `/api/v1/tenants/${t()}` }), ok: 200 },
    { name: 'patch tenant', scope: 'tenant', method: 'patch', target: () => ({ path: `/api/v1/tenants/${t()}`, body: { name: 'renamed' } }), ok: 200 },
    { name: 'who am I', scope: 'any', method: 'get', target: () => ({ path: '/api/v1/me' }), ok: 200 },
    { name: 'create API key', scope: 'platform', method: 'post', target: () => ({ path: '/api/v1/api-keys', body: { name: 'k' } }), ok: 201 },
    {
      name: 'revoke API key', scope: 'platform', method: 'del', ok: 204,
      target: async () => ({ path: `/api/v1/api-keys/${(await expectStatus(h().api.post('/api/v1/api-keys', { name: 'k' }), 201)).id}` }),
    },
    { name: 'enable user', scope: 'tenant', method: 'post', target: () => ({ path: `/api/v1/tenants/${t()}/users`, body: { email: freshEmail(), displayName: 'x', sendEmail: false } }), ok: 201 },
    { name: 'list users', scope: 'tenant', method: 'get', target: () => ({ path: `/api/v1/tenants/${t()}/users?limit=5` }), ok: 200 },
    { name: 'get user', scope: 'tenant', method: 'get', target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}` }), ok: 200 },
    { name: 'disable user', scope: 'tenant', method: 'del', target: async () => ({ path: `/api/v1/tenants/${t()}/users/${await newUser()}` }), ok: 204 },
    { name: 'reset conference ID', scope: 'tenant', method: 'post', target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/conference-id/reset`, body: { sendEmail: false } }), ok: 200 },
    {
      name: 'set conference ID', scope: 'tenant', method: 'put', ok: 200,
      target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/conference-id`, body: { conferenceId: String(2_000_000 + Math.floor(Math.random() * 7_000_000)), sendEmail: false } }),
    },
    { name: 'send conference info', scope: 'tenant', method: 'post', target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/conference-info/send`, body: {} }), ok: 202 },
    { name: 'reset leader PIN', scope: 'tenant', method: 'post', target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/leader-pin/reset`, body: { sendEmail: false } }), ok: 200 },
    { name: 'schedule meeting', scope: 'tenant', method: 'post', target: () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/meetings`, body: meetingBody() }), ok: 201 },
    { name: 'get meeting', scope: 'tenant', method: 'get', target: async () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/meetings/${await newMeeting()}` }), ok: 200 },
    { name: 'meeting invitation', scope: 'tenant', method: 'get', target: async () => ({ path: `/api/v1/tenants/${t()}/users/${user()}/meetings/${await newMeeting()}/invitation.ics` }), ok: 200 },
    { name: 'bulk conference-ID reset', scope: 'tenant', method: 'post', target: () => ({ path: `/api/v1/tenants/${t()}/conference-id-resets`, body: { userIds: [user()], sendEmail: false } }), ok: 202 },
    { name: 'get job', scope: 'tenant', method: 'get', target: async () => ({ path: `/api/v1/jobs/${await newJob()}` }), ok: 200 },
    { name: 'list tenant jobs', scope: 'tenant', method: 'get', target: () => ({ path: `/api/v1/tenants/${t()}/jobs` }), ok: 200 },
    {
      name: 'default-number move', scope: 'platform', method: 'post', ok: 202,
      target: async () => {
        const to = freshNumber();
        await expectStatus(h().api.put(`/api/v1/dial-in-numbers/${encodeURIComponent(to)}`, { bridgeId: bridge(), type: 'toll' }), 201);
        return { path: `/api/v1/bridges/${bridge()}/default-number-moves`, body: { from: ctx().fixture.number, to } };
      },
    },
    { name: 'outbox summary', scope: 'platform', method: 'get', target: () => ({ path: '/api/v1/outbox/summary' }), ok: 200 },
    { name: 'outbox messages', scope: 'platform', method: 'get', target: () => ({ path: '/api/v1/outbox?status=dead' }), ok: 200 },
    {
      name: 'retry outbox message', scope: 'platform', method: 'post', ok: 202,
      target: async () => {
        const { rows } = await h().services.db.query<{ id: string }>(
          "INSERT INTO outbox (kind, payload, status, done_at, last_error) VALUES ('email', '{}', 'dead', now(), 'test') RETURNING id");
        return { path: `/api/v1/outbox/${rows[0]!.id}/retry`, body: {} };
      },
    },
    { name: 'audit events', scope: 'tenant', method: 'get', target: () => ({ path: `/api/v1/tenants/${t()}/audit-events?limit=5` }), ok: 200 },
  ];
}
