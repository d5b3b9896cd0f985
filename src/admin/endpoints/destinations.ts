// /api/v1/.../destination: where a valid conference ID leads. A tenant's own destination wins
// over its bridge's; with neither, callers meet in Twilio conference rooms. Passwords are
// write-only: a response says only whether one is set.
import { z } from 'zod';
import { putDestination, removeDestination } from '../../commands/put-destination.js';
import { SIP_HEADER_NAME, sipTemplateProblem } from '../../domain/sip.js';
import { notFound } from '../../errors.js';
import type { Services } from '../../services.js';
import { findBridge } from '../../store/bridges.js';
import { effectiveDestination, findDestination, type DestinationRow, type DestinationScope } from '../../store/destinations.js';
import { findTenant } from '../../store/tenants.js';
import { endpoint, reply } from '../endpoint.js';

const sipHeader = z.string().regex(SIP_HEADER_NAME, 'must be a header name Twilio sends: "X-" then letters, digits or "-" (at most 66 characters)');
const secret = z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');

export const putDestinationBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('twilio') }),
  z.strictObject({
    kind: z.literal('sip'),
    uriTemplate: z.string().superRefine((v, ctx) => {
      const problem = sipTemplateProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    roomHeader: sipHeader.default('X-Jitsi-Conference-Room'),
    roleHeader: sipHeader.nullable().optional(),
    sipAuth: z.strictObject({ username: secret.refine((v) => !/\s/.test(v), 'must not contain spaces'), password: secret }).nullable().optional()
      .describe('left out: kept as it is; null: removed'),
    roomPassword: z.strictObject({ header: sipHeader, password: secret }).nullable().optional()
      .describe('a password the room header\'s room needs (Jigasi: JITSI_MEET_ROOM_PASS_HEADER_NAME); left out: kept; null: removed'),
  }).superRefine((d, ctx) => {
    const names = [d.roomHeader, d.roleHeader, d.roomPassword?.header].filter((h): h is string => !!h).map((h) => h.toLowerCase());
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['roomHeader'], message: 'the room, role and room-password headers must have different names' });
  }),
], { error: 'kind must be "twilio" or "sip"' });

type Scope = 'tenant' | 'bridge' | 'default';

export function presentDestination(d: DestinationRow | null, scope: Scope) {
  return {
    scope,
    kind: d?.kind ?? 'twilio',
    uriTemplate: d?.uri_template ?? null,
    roomHeader: d?.room_header ?? null,
    roleHeader: d?.role_header ?? null,
    sipAuth: d?.sip_username ? { username: d.sip_username } : null,
    roomPassword: d?.room_password_header ? { header: d.room_password_header } : null,
    updatedAt: d ? d.updated_at.toISOString() : null,
  };
}

const SIP_EXAMPLE = {
  kind: 'sip', uriTemplate: 'sip:jigasi@pbx.example.com;transport=tls', roomHeader: 'X-Jitsi-Conference-Room',
  sipAuth: { username: 'attendant', password: 'a-long-sip-secret' },
};

async function requireBridge(s: Services, bridgeId: string) {
  if (!(await findBridge(s.db, bridgeId))) throw notFound('bridge');
}

const scopeOf = (params: Record<string, string>): DestinationScope => (params.tenantId ? { tenantId: params.tenantId } : { bridgeId: params.bridgeId! });

export const destinationEndpoints = [
  endpoint({
    method: 'get', path: '/tenants/:tenantId/destination', access: 'tenant', tag: 'Meeting destinations', summary: 'Where the tenant\'s conference IDs lead',
    description: 'The destination that applies: the tenant\'s own (`scope: "tenant"`), else its bridge\'s (`"bridge"`), else Twilio conference rooms (`"default"`).',
    responses: { 200: { description: 'The destination', schema: 'Destination' } },
    handle: async ({ s, params }) => {
      if (!(await findTenant(s.db, params.tenantId!))) throw notFound('tenant');
      const d = await effectiveDestination(s.db, params.tenantId!);
      return reply(200, presentDestination(d, d ? (d.tenant_id ? 'tenant' : 'bridge') : 'default'));
    },
  }),
  endpoint({
    method: 'put', path: '/tenants/:tenantId/destination', access: 'tenant', tag: 'Meeting destinations', summary: 'Set where the tenant\'s conference IDs lead',
    description: '`twilio`: Twilio conference rooms. `sip`: callers with a valid ID are put through with `<Dial><Sip>` to `uriTemplate` (`{room}` in it is replaced '
      + 'by the room), the room\'s name in `roomHeader` (Twilio sends only `X-` headers). Passwords are stored encrypted and never returned; one left out is kept.',
    body: putDestinationBody, responses: { 200: { description: 'The tenant\'s destination', schema: 'Destination' } },
    example: () => ({ body: SIP_EXAMPLE }),
    handle: async ({ s, principal, params, body }) => reply(200, presentDestination(await putDestination(s, principal, scopeOf(params), body), 'tenant')),
  }),
  endpoint({
    method: 'delete', path: '/tenants/:tenantId/destination', access: 'tenant', tag: 'Meeting destinations', summary: 'Remove the tenant\'s own destination',
    description: 'The bridge\'s destination (or Twilio conference rooms) applies again.', responses: { 204: { description: 'Removed (or there was none)' } },
    handle: async ({ s, principal, params }) => {
      await removeDestination(s, principal, scopeOf(params));
      return reply(204);
    },
  }),
  endpoint({
    method: 'get', path: '/bridges/:bridgeId/destination', access: 'platform', tag: 'Meeting destinations', summary: 'The bridge\'s destination',
    description: 'What the bridge\'s tenants without a destination of their own use (`scope: "default"`: Twilio conference rooms).',
    responses: { 200: { description: 'The destination', schema: 'Destination' } },
    handle: async ({ s, params }) => {
      await requireBridge(s, params.bridgeId!);
      const d = await findDestination(s.db, { bridgeId: params.bridgeId! });
      return reply(200, presentDestination(d, d ? 'bridge' : 'default'));
    },
  }),
  endpoint({
    method: 'put', path: '/bridges/:bridgeId/destination', access: 'platform', tag: 'Meeting destinations', summary: 'Set the bridge\'s destination',
    description: 'Applies to the bridge\'s tenants that have none of their own. Same body as a tenant\'s.',
    body: putDestinationBody, responses: { 200: { description: 'The bridge\'s destination', schema: 'Destination' } },
    example: () => ({ body: SIP_EXAMPLE }),
    handle: async ({ s, principal, params, body }) => reply(200, presentDestination(await putDestination(s, principal, scopeOf(params), body), 'bridge')),
  }),
  endpoint({
    method: 'delete', path: '/bridges/:bridgeId/destination', access: 'platform', tag: 'Meeting destinations', summary: 'Remove the bridge\'s destination',
    responses: { 204: { description: 'Removed (or there was none)' } },
    handle: async ({ s, principal, params }) => {
      await removeDestination(s, principal, scopeOf(params));
      return reply(204);
    },
  }),
];
