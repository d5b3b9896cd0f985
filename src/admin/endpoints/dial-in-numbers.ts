// /api/v1/dial-in-numbers (platform keys): the numbers callers dial, each on one bridge.
import { z } from 'zod';
import { deleteDialInNumber } from '../../commands/delete-dial-in-number.js';
import { putDialInNumber } from '../../commands/put-dial-in-number.js';
import { syncNumberWithTwilio } from '../../commands/sync-number-to-twilio.js';
import { notFound } from '../../errors.js';
import { findBridge } from '../../store/bridges.js';
import { findNumber, listNumbers } from '../../store/numbers.js';
import { findTenant } from '../../store/tenants.js';
import { endpoint, reply } from '../endpoint.js';
import { list, Bridge, DialInNumber } from '../openapi/shapes.js';
import { presentBridge, presentNumber } from '../present.js';
import { emptyBody, listNumbersQuery, putNumberBody } from '../schemas.js';

const twilioSync = z.strictObject({
  number: z.string(),
  status: z.enum(['unchanged', 'updated']),
  twilioSid: z.string(),
  changed: z.array(z.string()),
  voiceUrl: z.string(), voiceMethod: z.string(),
  voiceFallbackUrl: z.string(), voiceFallbackMethod: z.string(),
  statusCallback: z.string(), statusCallbackMethod: z.string(),
});

const tenantDialIn = z.strictObject({ bridge: Bridge, items: z.array(DialInNumber) });

export const dialInNumberEndpoints = [
  endpoint({
    method: 'get', path: '/tenants/:tenantId/dial-in-numbers', access: 'tenant', tag: 'Dial-in numbers', summary: 'The tenant\'s bridge and its dial-in numbers',
    description: 'What a tenant\'s admins may read of the numbers their callers dial (changing them needs a platform key).',
    responses: { 200: { description: 'The tenant\'s bridge and its numbers', schema: tenantDialIn } },
    handle: async ({ s, params }) => {
      const tenant = await findTenant(s.db, params.tenantId!);
      if (!tenant) throw notFound('tenant');
      const [bridge, numbers] = await Promise.all([findBridge(s.db, tenant.bridge_id), listNumbers(s.db, tenant.bridge_id)]);
      if (!bridge) throw notFound('bridge');
      return reply(200, { bridge: presentBridge(bridge), items: numbers.map(presentNumber) });
    },
  }),
  endpoint({
    method: 'put', path: '/dial-in-numbers/:number', access: 'platform', tag: 'Dial-in numbers', summary: 'Create or replace a dial-in number',
    description: 'Idempotent. `primaryLanguage` and `secondaryLanguages` must be languages of the prompt catalogue that a Twilio voice can speak; `country` is ISO 3166 alpha-2. '
      + '`speechInput: true` lets callers say the conference ID and the leader PIN (where the language has speech recognition); off by default. '
      + 'Moving a number that is a bridge default to another bridge, or changing its type, is refused with 409 `number_in_use`.',
    body: putNumberBody, errors: ['number_in_use'],
    responses: { 201: { description: 'Created', schema: 'DialInNumber' }, 200: { description: 'Replaced', schema: 'DialInNumber' } },
    example: (x) => ({ body: { bridgeId: x.bridgeId, type: 'toll', primaryLanguage: 'en-US', secondaryLanguages: ['es-US'], city: 'Springfield', country: 'US' } }),
    handle: async ({ s, principal, params, body }) => {
      const { row, created } = await putDialInNumber(s, principal, params.number!, { ...body, city: body.city ?? null, country: body.country ?? null });
      return reply(created ? 201 : 200, presentNumber(row));
    },
  }),
  endpoint({
    method: 'get', path: '/dial-in-numbers', access: 'platform', tag: 'Dial-in numbers', summary: 'List dial-in numbers',
    query: listNumbersQuery, responses: { 200: { description: 'The numbers, of one bridge when `bridgeId` is given', schema: list(DialInNumber) } },
    example: (x) => ({ query: `bridgeId=${x.bridgeId}` }),
    handle: async ({ s, query }) => reply(200, { items: (await listNumbers(s.db, query.bridgeId)).map(presentNumber) }),
  }),
  endpoint({
    method: 'get', path: '/dial-in-numbers/:number', access: 'platform', tag: 'Dial-in numbers', summary: 'Read a dial-in number',
    description: 'Lets provisioning scripts compare before they write.',
    responses: { 200: { description: 'The number', schema: 'DialInNumber' } },
    handle: async ({ s, params }) => {
      const row = await findNumber(s.db, params.number!);
      if (!row) throw notFound('dial-in number');
      return reply(200, presentNumber(row));
    },
  }),
  endpoint({
    method: 'post', path: '/dial-in-numbers/:number/twilio-sync', access: 'platform', tag: 'Dial-in numbers', summary: 'Point the number\'s Twilio configuration at this service',
    description: 'Sets the Voice URL, fallback URL and status callback (each POST) under `PUBLIC_BASE_URL/voice/`; writes nothing when all is already so. '
      + '409 `twilio_number_not_found` when the Twilio account has no such number; 502 `twilio_auth_failed` or `twilio_error` when Twilio refuses; '
      + '503 when Twilio is not configured, unreachable or rate limiting.',
    body: emptyBody, errors: ['twilio_number_not_found', 'twilio_auth_failed', 'twilio_error'],
    responses: { 200: { description: 'The number\'s Twilio configuration now', schema: twilioSync } },
    example: () => ({ body: {} }),
    handle: async ({ s, principal, params }) => reply(200, await syncNumberWithTwilio(s, principal, params.number!)),
  }),
  endpoint({
    method: 'delete', path: '/dial-in-numbers/:number', access: 'platform', tag: 'Dial-in numbers', summary: 'Delete a dial-in number',
    description: 'Calls to it are then answered "not in service". Refused with 409 `number_in_use` while it is a bridge default.',
    errors: ['number_in_use'], responses: { 204: { description: 'Deleted' } },
    handle: async ({ s, principal, params }) => {
      await deleteDialInNumber(s, principal, params.number!);
      return reply(204);
    },
  }),
];
