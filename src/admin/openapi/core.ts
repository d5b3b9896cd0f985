// The operations of the core route groups (src/admin/routes/), documented with the same zod
// schemas that validate them (../schemas.ts). New groups document themselves with documented().
import {
  createApiKeyBody, createBridgeBody, createTenantBody, enableUserBody, listAuditQuery, listNumbersQuery, listUsersQuery,
  patchBridgeBody, patchTenantBody, putNumberBody, resetConferenceIdBody, resetLeaderPinBody, sendConferenceInfoBody, setConferenceIdBody,
} from '../schemas.js';
import { z } from 'zod';
import type { Operation } from './document.js';
import { AuditEvent, DialInNumber, User, list, page } from './shapes.js';

const USER = '/tenants/:tenantId/users/:userId';

const twilioSync = z.strictObject({
  number: z.string(),
  status: z.enum(['unchanged', 'updated']),
  twilioSid: z.string(),
  changed: z.array(z.string()),
  voiceUrl: z.string(), voiceMethod: z.string(),
  voiceFallbackUrl: z.string(), voiceFallbackMethod: z.string(),
  statusCallback: z.string(), statusCallbackMethod: z.string(),
});

export const bridgeOperations: Operation[] = [
  {
    method: 'post', path: '/bridges', tag: 'Bridges', access: 'platform', summary: 'Create a bridge',
    description: 'A bridge is a set of dial-in numbers; a conference ID is unique among the active IDs of one bridge.',
    body: createBridgeBody, responses: { 201: { description: 'Created', schema: 'Bridge' } },
  },
  { method: 'get', path: '/bridges/:bridgeId', tag: 'Bridges', access: 'platform', summary: 'Read a bridge', responses: { 200: { description: 'The bridge', schema: 'Bridge' } } },
  {
    method: 'patch', path: '/bridges/:bridgeId', tag: 'Bridges', access: 'platform', summary: 'Rename a bridge or set its default numbers',
    description: 'Default numbers must already be on the bridge, of the matching type; `null` clears a default.',
    body: patchBridgeBody, responses: { 200: { description: 'The bridge', schema: 'Bridge' } },
  },
];

export const dialInNumberOperations: Operation[] = [
  {
    method: 'put', path: '/dial-in-numbers/:number', tag: 'Dial-in numbers', access: 'platform', summary: 'Create or replace a dial-in number',
    description: 'Idempotent. `primaryLanguage` and `secondaryLanguages` must be languages of the prompt catalogue; `country` is ISO 3166 alpha-2. '
      + 'Moving a number that is a bridge default to another bridge, or changing its type, is refused with 409 `number_in_use`.',
    body: putNumberBody, errors: ['number_in_use'],
    responses: { 201: { description: 'Created', schema: 'DialInNumber' }, 200: { description: 'Replaced', schema: 'DialInNumber' } },
  },
  {
    method: 'get', path: '/dial-in-numbers', tag: 'Dial-in numbers', access: 'platform', summary: 'List dial-in numbers',
    query: listNumbersQuery, responses: { 200: { description: 'The numbers, of one bridge when `bridgeId` is given', schema: list(DialInNumber) } },
  },
  {
    method: 'get', path: '/dial-in-numbers/:number', tag: 'Dial-in numbers', access: 'platform', summary: 'Read a dial-in number',
    description: 'Not in the contract\'s table: lets provisioning scripts compare before they write.',
    responses: { 200: { description: 'The number', schema: 'DialInNumber' } },
  },
  {
    method: 'post', path: '/dial-in-numbers/:number/twilio-sync', tag: 'Dial-in numbers', access: 'platform', summary: 'Point the number\'s Twilio configuration at this service',
    description: 'Sets the Voice URL, fallback URL and status callback (each POST) under `PUBLIC_BASE_URL/voice/`; writes nothing when all is already so. '
      + '409 `twilio_number_not_found` when the Twilio account has no such number; 502 `twilio_auth_failed` or `twilio_error` when Twilio refuses; '
      + '503 when Twilio is not configured, unreachable or rate limiting.',
    body: z.strictObject({}),
    responses: {
      200: { description: 'The number\'s Twilio configuration now', schema: twilioSync },
      409: { description: '`number_in_use`, `twilio_number_not_found`', schema: 'Problem', contentType: 'application/problem+json' },
      502: { description: '`twilio_auth_failed`, `twilio_error`', schema: 'Problem', contentType: 'application/problem+json' },
    },
  },
  {
    method: 'delete', path: '/dial-in-numbers/:number', tag: 'Dial-in numbers', access: 'platform', summary: 'Delete a dial-in number',
    description: 'Calls to it are then answered "not in service". Refused with 409 `number_in_use` while it is a bridge default.',
    errors: ['number_in_use'], responses: { 204: { description: 'Deleted' } },
  },
];

export const tenantOperations: Operation[] = [
  {
    method: 'post', path: '/tenants', tag: 'Tenants', access: 'platform', summary: 'Create a tenant',
    description: 'Without `bridgeId` the tenant gets a bridge of its own.',
    body: createTenantBody, responses: { 201: { description: 'Created', schema: 'Tenant' } },
  },
  { method: 'get', path: '/tenants/:tenantId', tag: 'Tenants', access: 'tenant', summary: 'Read a tenant', responses: { 200: { description: 'The tenant', schema: 'Tenant' } } },
  {
    method: 'patch', path: '/tenants/:tenantId', tag: 'Tenants', access: 'tenant', summary: 'Change tenant settings',
    description: '`conferenceIdMode` can only change while the tenant has no enabled users (409 `not_supported`).',
    body: patchTenantBody, errors: ['not_supported'], responses: { 200: { description: 'The tenant', schema: 'Tenant' } },
  },
];

export const apiKeyOperations: Operation[] = [
  {
    method: 'post', path: '/api-keys', tag: 'API keys', access: 'platform', summary: 'Create an API key',
    description: '`tenantId: null` makes a platform key. The key is in this response only; only its hash is stored.',
    body: createApiKeyBody, responses: { 201: { description: 'Created', schema: 'ApiKeyCreated' } },
  },
  {
    method: 'delete', path: '/api-keys/:keyId', tag: 'API keys', access: 'platform', summary: 'Revoke an API key',
    description: 'The key stops working at once.', responses: { 204: { description: 'Revoked' } },
  },
  {
    method: 'get', path: '/me', tag: 'API keys', access: 'any', summary: 'Who am I',
    description: 'The calling key\'s name, tenant and rights (the admin console uses it to find a tenant key\'s tenant).',
    responses: { 200: { description: 'The calling key', schema: 'Me' } },
  },
];

export const userOperations: Operation[] = [
  {
    method: 'post', path: '/tenants/:tenantId/users', tag: 'Users', access: 'tenant', summary: 'Enable a user for audio conferencing',
    description: 'A builtin user gets a conference ID (static tenants; `conferenceId` chooses one) and a leader PIN, shown in this response only. '
      + 'A third-party user needs `conferenceId` and `tollNumber` from their provider. `sendEmail` defaults to the tenant\'s `sendEmailByDefault`.',
    body: enableUserBody, errors: ['user_exists', 'conference_id_unavailable', 'not_supported'],
    responses: { 201: { description: 'Enabled', schema: 'EnabledUser' } },
  },
  {
    method: 'get', path: '/tenants/:tenantId/users', tag: 'Users', access: 'tenant', summary: 'List users, or find one by email',
    description: '`email` matches exactly, ignoring case. Pass `nextCursor` back as `cursor` for the next page.',
    query: listUsersQuery, responses: { 200: { description: 'A page of users', schema: page(User) } },
  },
  { method: 'get', path: USER, tag: 'Users', access: 'tenant', summary: 'Read a user', responses: { 200: { description: 'The user', schema: 'User' } } },
  {
    method: 'delete', path: USER, tag: 'Users', access: 'tenant', summary: 'Disable a user',
    description: 'The user\'s conference ID is retired: callers who enter it are refused at once.', responses: { 204: { description: 'Disabled' } },
  },
  {
    method: 'post', path: `${USER}/conference-id/reset`, tag: 'Conference IDs', access: 'tenant', summary: 'Reset a user\'s conference ID',
    description: 'Issues a new ID and retires the old one at once (quarantined on the bridge). Not for third-party or dynamic-mode users (409 `not_supported`).',
    body: resetConferenceIdBody, errors: ['not_supported'], responses: { 200: { description: 'The new ID', schema: 'ConferenceIdChange' } },
  },
  {
    method: 'put', path: `${USER}/conference-id`, tag: 'Conference IDs', access: 'tenant', summary: 'Set a chosen conference ID',
    description: 'Refused with 409 `conference_id_unavailable` when the ID is active or quarantined on the bridge.',
    body: setConferenceIdBody, errors: ['conference_id_unavailable', 'not_supported'], responses: { 200: { description: 'The new ID', schema: 'ConferenceIdChange' } },
  },
  {
    method: 'post', path: `${USER}/conference-info/send`, tag: 'Conference IDs', access: 'tenant', summary: 'Email the user\'s conference details',
    description: 'The ID and dial-in numbers, never the PIN. `toAddress` defaults to the user\'s email.',
    body: sendConferenceInfoBody, responses: { 202: { description: 'Queued', schema: 'EmailQueued' } },
  },
  {
    method: 'post', path: `${USER}/leader-pin/reset`, tag: 'Leader PINs', access: 'tenant', summary: 'Reset a user\'s leader PIN',
    description: 'The new PIN is in this response only; the old one stops working at once.',
    body: resetLeaderPinBody, errors: ['not_supported'], responses: { 200: { description: 'The new PIN', schema: 'LeaderPinReset' } },
  },
  {
    method: 'get', path: '/tenants/:tenantId/audit-events', tag: 'Audit', access: 'tenant', summary: 'The tenant\'s audit trail, newest first',
    query: listAuditQuery, responses: { 200: { description: 'A page of events', schema: page(AuditEvent) } },
  },
];

export const coreOperations: Operation[] = [...bridgeOperations, ...dialInNumberOperations, ...tenantOperations, ...apiKeyOperations, ...userOperations];
