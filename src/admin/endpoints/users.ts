// /api/v1/tenants/{t}/users: enable, list, read, disable.
import { disableUser } from '../../commands/disable-user.js';
import { enableUser } from '../../commands/enable-user.js';
import { notFound } from '../../errors.js';
import { findTenant } from '../../store/tenants.js';
import { searchUsers } from '../../store/user-search.js';
import { findUser, listUsers } from '../../store/users.js';
import { endpoint, reply } from '../endpoint.js';
import { page, User } from '../openapi/shapes.js';
import { decodeNameCursor, namePage, presentUser } from '../present.js';
import { enableUserBody, listUsersQuery } from '../schemas.js';

const USER = '/tenants/:tenantId/users/:userId';

export const userEndpoints = [
  endpoint({
    method: 'post', path: '/tenants/:tenantId/users', access: 'tenant', tag: 'Users', summary: 'Enable a user for audio conferencing',
    description: 'A builtin user gets a conference ID (static tenants; `conferenceId` chooses one) and a leader PIN, shown in this response only. '
      + 'A third-party user needs `conferenceId` and `tollNumber` from their provider. `sendEmail` defaults to the tenant\'s `sendEmailByDefault`.',
    body: enableUserBody, errors: ['user_exists', 'conference_id_unavailable', 'not_supported', 'quota_exceeded'],
    responses: { 201: { description: 'Enabled', schema: 'EnabledUser' } },
    example: (x) => ({ body: { email: x.email(), displayName: 'Ada Lovelace', sendEmail: false } }),
    handle: async ({ s, principal, params, body }) => {
      const { user, leaderPin, emailQueued } = await enableUser(s, principal, { tenantId: params.tenantId!, ...body });
      return reply(201, { ...presentUser(user), ...(leaderPin ? { leaderPin } : {}), emailQueued });
    },
  }),
  endpoint({
    method: 'get', path: '/tenants/:tenantId/users', access: 'tenant', tag: 'Users', summary: 'List and search users, or find one by email',
    description: 'Sorted by display name ignoring case, in Unicode code-point order (the same whatever the database\'s locale), then id. '
      + '`q` keeps the users whose display name or email contains it, ignoring case. A `q` of one or two letters or digits matches the '
      + 'start of a word instead (words are separated by anything but letters and digits): `zh` finds Wei Zhang and zhang.wei@…, not '
      + 'Ozhan. `email` matches one address exactly, ignoring case. Pass `nextCursor` back as `cursor`, with the same filters, for the '
      + 'next page: pages neither repeat nor skip a user, equal names included. 404 when the tenant does not exist.',
    query: listUsersQuery, responses: { 200: { description: 'A page of users', schema: page(User) } },
    example: () => ({ query: 'q=ada&limit=20' }),
    handle: async ({ s, params, query: q }) => {
      const after = decodeNameCursor(q.cursor);
      if (!(await findTenant(s.db, params.tenantId!))) throw notFound('tenant');
      const rows = q.q !== undefined && q.email === undefined
        ? await searchUsers(s.db, params.tenantId!, { q: q.q, after, limit: q.limit + 1 })
        : await listUsers(s.db, params.tenantId!, { email: q.email, q: q.q, after, limit: q.limit + 1 });
      return reply(200, namePage(rows, q.limit, presentUser));
    },
  }),
  endpoint({
    method: 'get', path: USER, access: 'tenant', tag: 'Users', summary: 'Read a user',
    responses: { 200: { description: 'The user', schema: 'User' } },
    handle: async ({ s, params }) => {
      const user = await findUser(s.db, params.tenantId!, params.userId!);
      if (!user) throw notFound('user');
      return reply(200, presentUser(user));
    },
  }),
  endpoint({
    method: 'delete', path: USER, access: 'tenant', tag: 'Users', summary: 'Disable a user',
    description: 'The user\'s conference ID is retired: callers who enter it are refused at once.', responses: { 204: { description: 'Disabled' } },
    handle: async ({ s, principal, params }) => {
      await disableUser(s, principal, { tenantId: params.tenantId!, userId: params.userId! });
      return reply(204);
    },
  }),
];
