// Lifting the caller-side abuse limits (docs/security.md "Caller limits"): a calling number's
// failed-entry block (platform keys: it spans bridges, hence tenants), and an organizer's
// wrong-PIN lock (the tenant's write keys).
import { z } from 'zod';
import { liftCallerBlock, readCallerBlocks } from '../../commands/lift-caller-block.js';
import { unlockLeaderPin } from '../../commands/unlock-leader-pin.js';
import { endpoint, reply } from '../endpoint.js';
import { emptyBody } from '../schemas.js';

const callerBlock = z.strictObject({
  bridgeId: z.string(),
  failures: z.number().int(),
  limit: z.number().int(),
  blocked: z.boolean(),
  blockedUntil: z.string().nullable(),
});

export const abuseEndpoints = [
  endpoint({
    method: 'get', path: '/caller-blocks/:caller', access: 'platform', tag: 'Abuse limits', summary: 'See a calling number\'s failed ID entries',
    description: 'The bridges where the number (or `withheld`: the callers without one) has failed ID entries in the window, how many, its limit, '
      + 'and until when it is blocked. A blocked number is refused on that bridge only.',
    responses: { 200: { description: 'Its counts per bridge', schema: z.strictObject({ caller: z.string(), bridges: z.array(callerBlock) }) } },
    handle: async ({ s, params }) => reply(200, { caller: params.caller!, bridges: await readCallerBlocks(s, params.caller!) }),
  }),
  endpoint({
    method: 'delete', path: '/caller-blocks/:caller', access: 'platform', tag: 'Abuse limits', summary: 'Lift a calling number\'s block',
    description: 'Clears the number\'s failed ID entries on every bridge; audited (`caller_block.lifted`, with a masked number).',
    responses: { 200: { description: 'What was cleared', schema: z.strictObject({ lifted: z.array(callerBlock) }) } },
    handle: async ({ s, principal, params }) => reply(200, await liftCallerBlock(s, principal, params.caller!)),
  }),
  endpoint({
    method: 'post', path: '/tenants/:tenantId/users/:userId/leader-pin/unlock', access: 'tenant', tag: 'Leader PINs', summary: 'Lift the wrong-PIN lock of a user\'s organizer option',
    description: 'Clears the wrong leader PINs counted for the user from every calling number, so the organizer option works again at once '
      + '(a PIN reset does the same). Audited (`leader_pin.unlocked`). Not for third-party users (409 `not_supported`).',
    body: emptyBody, errors: ['not_supported'],
    responses: { 200: { description: 'Unlocked', schema: z.strictObject({ wasLocked: z.boolean(), wrongPinsCleared: z.number().int() }) } },
    example: () => ({ body: {} }),
    handle: async ({ s, principal, params }) => reply(200, await unlockLeaderPin(s, principal, { tenantId: params.tenantId!, userId: params.userId! })),
  }),
];
