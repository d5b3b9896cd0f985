// What admins do to a user's conferencing: reset or choose the conference ID, send the details,
// reset the leader PIN.
import { changeConferenceId } from '../../commands/change-conference-id.js';
import { resetLeaderPin } from '../../commands/reset-leader-pin.js';
import { sendConferenceInfo } from '../../commands/send-conference-info.js';
import { endpoint, reply } from '../endpoint.js';
import { resetConferenceIdBody, resetLeaderPinBody, sendConferenceInfoBody, setConferenceIdBody } from '../schemas.js';

const USER = '/tenants/:tenantId/users/:userId';
const target = (params: Record<string, string>) => ({ tenantId: params.tenantId!, userId: params.userId! });

export const userActionEndpoints = [
  endpoint({
    method: 'post', path: `${USER}/conference-id/reset`, access: 'tenant', tag: 'Conference IDs', summary: 'Reset a user\'s conference ID',
    description: 'Issues a new ID and retires the old one at once (quarantined on the bridge). Not for third-party or dynamic-mode users (409 `not_supported`).',
    body: resetConferenceIdBody, errors: ['not_supported', 'quota_exceeded'], responses: { 200: { description: 'The new ID', schema: 'ConferenceIdChange' } },
    example: () => ({ body: { sendEmail: false } }),
    handle: async ({ s, principal, params, body }) => reply(200, await changeConferenceId(s, principal, { ...target(params), sendEmail: body.sendEmail })),
  }),
  endpoint({
    method: 'put', path: `${USER}/conference-id`, access: 'tenant', tag: 'Conference IDs', summary: 'Set a chosen conference ID',
    description: 'Refused with 409 `conference_id_unavailable` when the ID is active or quarantined on the bridge; past the tenant\'s hourly budget of such conflicts, 429 `quota_exceeded` (docs/security.md).',
    body: setConferenceIdBody, errors: ['conference_id_unavailable', 'not_supported', 'quota_exceeded'], responses: { 200: { description: 'The new ID', schema: 'ConferenceIdChange' } },
    example: (x) => ({ body: { conferenceId: x.conferenceId(), sendEmail: false } }),
    handle: async ({ s, principal, params, body }) => reply(200, await changeConferenceId(s, principal, { ...target(params), ...body })),
  }),
  endpoint({
    method: 'post', path: `${USER}/conference-info/send`, access: 'tenant', tag: 'Conference IDs', summary: 'Email the user\'s conference details',
    description: 'The ID and dial-in numbers, never the PIN. `toAddress` defaults to the user\'s email; another address needs a platform key (403 otherwise).',
    body: sendConferenceInfoBody, errors: ['forbidden', 'quota_exceeded'], responses: { 202: { description: 'Queued', schema: 'EmailQueued' } },
    example: () => ({ body: {} }),
    handle: async ({ s, principal, params, body }) => {
      await sendConferenceInfo(s, principal, { ...target(params), toAddress: body.toAddress });
      return reply(202, { emailQueued: true });
    },
  }),
  endpoint({
    method: 'post', path: `${USER}/leader-pin/reset`, access: 'tenant', tag: 'Leader PINs', summary: 'Reset a user\'s leader PIN',
    description: 'The new PIN is in this response only; the old one stops working at once.',
    body: resetLeaderPinBody, errors: ['not_supported'], responses: { 200: { description: 'The new PIN', schema: 'LeaderPinReset' } },
    example: () => ({ body: { sendEmail: false } }),
    handle: async ({ s, principal, params, body }) => reply(200, await resetLeaderPin(s, principal, { ...target(params), sendEmail: body.sendEmail })),
  }),
];
