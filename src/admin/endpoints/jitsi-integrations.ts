// /api/v1/tenants/{t}/jitsi-integrations: the Jitsi deployments a tenant lets use the public
// conference mapper (src/jitsi/), and the rooms it issued IDs for, which admins list and reset
// like any other conference ID.
import { z } from 'zod';
import { createJitsiIntegration } from '../../commands/create-jitsi-integration.js';
import { deleteJitsiIntegration } from '../../commands/delete-jitsi-integration.js';
import { resetMapperId } from '../../commands/reset-mapper-id.js';
import { updateJitsiIntegration } from '../../commands/update-jitsi-integration.js';
import { browserOrigin, mucDomain } from '../../domain/jitsi.js';
import { AppError, notFound } from '../../errors.js';
import type { Services } from '../../services.js';
import { findIntegration, listIntegrations, type JitsiIntegrationRow } from '../../store/jitsi-integrations.js';
import { listRooms, type MapperRoomRow } from '../../store/jitsi-rooms.js';
import { endpoint, reply } from '../endpoint.js';
import { JitsiIntegration, list, MapperRoom, page } from '../openapi/shapes.js';
import { decodeCursor, encodeCursor } from '../present.js';

const INTEGRATIONS = '/tenants/:tenantId/jitsi-integrations';
const INTEGRATION = `${INTEGRATIONS}/:integrationId`;

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');
const domains = z.array(z.string().max(253).transform((v, ctx) => {
  const d = mucDomain(v);
  if (!d) ctx.addIssue({ code: 'custom', message: 'must be a MUC domain such as conference.meet.example.com' });
  return d ?? v;
})).min(1, 'at least one MUC domain').max(20, 'at most 20 MUC domains').transform((l) => [...new Set(l)]);
const origins = z.array(z.string().max(300).transform((v, ctx) => {
  const o = browserOrigin(v);
  if (!o) ctx.addIssue({ code: 'custom', message: 'must be a browser origin such as https://meet.example.com (scheme, host and port only)' });
  return o ?? v;
})).max(20, 'at most 20 origins').transform((l) => [...new Set(l)]);
const maxLiveIds = z.number().int().min(1).max(1_000_000);

export const createIntegrationBody = z.strictObject({ name, mucDomains: domains, allowedOrigins: origins.default([]), maxLiveIds: maxLiveIds.optional() });
export const patchIntegrationBody = z.strictObject({ name: name.optional(), mucDomains: domains.optional(), allowedOrigins: origins.optional(), maxLiveIds: maxLiveIds.optional() });
const listRoomsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});

function checkCap(s: Services, value: number | undefined): number | undefined {
  if (value !== undefined && value > s.config.jitsi.maxLiveIds) {
    throw new AppError('validation_failed', `maxLiveIds: at most ${s.config.jitsi.maxLiveIds} on this deployment (JITSI_MAX_LIVE_IDS)`, [{ path: 'maxLiveIds', message: `at most ${s.config.jitsi.maxLiveIds}` }]);
  }
  return value;
}

export function presentIntegration(s: Services, i: JitsiIntegrationRow) {
  const base = `${s.config.publicBaseUrl}/jitsi/${i.id}`;
  return {
    id: i.id,
    tenantId: i.tenant_id,
    name: i.name,
    mucDomains: i.muc_domains,
    allowedOrigins: i.allowed_origins,
    maxLiveIds: i.max_live_ids,
    liveIds: i.live_ids,
    dialInConfCodeUrl: `${base}/conferenceMapper`,
    dialInNumbersUrl: `${base}/phoneNumberList`,
    createdAt: i.created_at.toISOString(),
    updatedAt: i.updated_at.toISOString(),
  };
}

export function presentRoom(r: MapperRoomRow, now = Date.now()) {
  const live = r.conference_id !== null && (r.expires_at === null || r.expires_at.getTime() > now);
  return {
    id: r.id,
    conference: r.conference,
    conferenceId: live ? String(r.conference_id) : null,
    expiresAt: live && r.expires_at ? r.expires_at.toISOString() : null,
    lastLookupAt: r.last_lookup_at.toISOString(),
    createdAt: r.created_at.toISOString(),
  };
}

async function load(s: Services, params: Record<string, string>) {
  const integration = await findIntegration(s.db, params.integrationId!, { tenantId: params.tenantId! });
  if (!integration) throw notFound('Jitsi integration');
  return integration;
}

const UUID_CURSOR = /^[0-9a-f-]{36}$/;

export const jitsiIntegrationEndpoints = [
  endpoint({
    method: 'post', path: INTEGRATIONS, access: 'tenant', tag: 'Jitsi integrations', summary: 'Let a Jitsi deployment use the conference mapper',
    description: 'The answer names the two URLs to set in Jitsi Meet\'s config.js (`dialInConfCodeUrl`, `dialInNumbersUrl`). The mapper answers only for '
      + '`mucDomains`, and browsers only from `allowedOrigins`. `maxLiveIds` (default `JITSI_MAX_LIVE_IDS`) caps the conference IDs its rooms hold at once.',
    body: createIntegrationBody, responses: { 201: { description: 'Created', schema: 'JitsiIntegration' } },
    example: () => ({ body: { name: 'meet.example.com', mucDomains: ['conference.meet.example.com'], allowedOrigins: ['https://meet.example.com'] } }),
    handle: async ({ s, principal, params, body }) => {
      const row = await createJitsiIntegration(s, principal, params.tenantId!, { ...body, maxLiveIds: checkCap(s, body.maxLiveIds) ?? s.config.jitsi.maxLiveIds });
      return reply(201, presentIntegration(s, row));
    },
  }),
  endpoint({
    method: 'get', path: INTEGRATIONS, access: 'tenant', tag: 'Jitsi integrations', summary: 'List the tenant\'s Jitsi integrations',
    responses: { 200: { description: 'The integrations', schema: list(JitsiIntegration) } },
    handle: async ({ s, params }) => reply(200, { items: (await listIntegrations(s.db, params.tenantId!)).map((i) => presentIntegration(s, i)) }),
  }),
  endpoint({
    method: 'get', path: INTEGRATION, access: 'tenant', tag: 'Jitsi integrations', summary: 'Read a Jitsi integration',
    responses: { 200: { description: 'The integration', schema: 'JitsiIntegration' } },
    handle: async ({ s, params }) => reply(200, presentIntegration(s, await load(s, params))),
  }),
  endpoint({
    method: 'patch', path: INTEGRATION, access: 'tenant', tag: 'Jitsi integrations', summary: 'Change a Jitsi integration',
    description: 'Existing conference IDs are kept: a lower `maxLiveIds` only stops new ones, and a removed MUC domain is no longer answered for.',
    body: patchIntegrationBody, responses: { 200: { description: 'The integration', schema: 'JitsiIntegration' } },
    example: () => ({ body: { allowedOrigins: ['https://meet.example.com', 'https://meet2.example.com'] } }),
    handle: async ({ s, principal, params, body }) => {
      const row = await updateJitsiIntegration(s, principal, { tenantId: params.tenantId!, integrationId: params.integrationId! }, { ...body, maxLiveIds: checkCap(s, body.maxLiveIds) });
      return reply(200, presentIntegration(s, row));
    },
  }),
  endpoint({
    method: 'delete', path: INTEGRATION, access: 'tenant', tag: 'Jitsi integrations', summary: 'Remove a Jitsi integration',
    description: 'Its public endpoints answer 404 from now on, and every conference ID its rooms hold is retired at once.',
    responses: { 204: { description: 'Removed' } },
    handle: async ({ s, principal, params }) => {
      await deleteJitsiIntegration(s, principal, { tenantId: params.tenantId!, integrationId: params.integrationId! });
      return reply(204);
    },
  }),
  endpoint({
    method: 'get', path: `${INTEGRATION}/rooms`, access: 'tenant', tag: 'Jitsi integrations', summary: 'List the rooms the mapper issued IDs for',
    description: '`conferenceId` is null once the room\'s ID was reset or expired (its next lookup issues a new one). Pass `nextCursor` back as `cursor`.',
    query: listRoomsQuery, responses: { 200: { description: 'A page of rooms', schema: page(MapperRoom) } },
    example: () => ({ query: 'limit=50' }),
    handle: async ({ s, params, query: q }) => {
      const integration = await load(s, params);
      const rows = await listRooms(s.db, integration.id, { after: decodeCursor(q.cursor, UUID_CURSOR), limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      return reply(200, { items: items.map((r) => presentRoom(r)), nextCursor: rows.length > q.limit ? encodeCursor(items[items.length - 1]!.id) : null });
    },
  }),
  endpoint({
    method: 'post', path: `${INTEGRATION}/rooms/:roomId/conference-id/reset`, access: 'tenant', tag: 'Jitsi integrations', summary: 'Reset a room\'s conference ID',
    description: 'The ID is refused at once and quarantined on the bridge; the room\'s next mapper lookup issues a new one.',
    responses: { 200: { description: 'The retired ID (null when the room had none)', schema: 'MapperIdReset' } },
    handle: async ({ s, principal, params }) => reply(200, await resetMapperId(s, principal, {
      tenantId: params.tenantId!, integrationId: params.integrationId!, roomId: params.roomId!,
    })),
  }),
];
