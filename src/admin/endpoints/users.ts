// /api/v1/tenants/{t}/users: enable, list, read, disable.
import { disableUser } from '../../commands/disable-user.js';
import { enableUser } from '../../commands/enable-user.js';
import { notFound } from '../../errors.js';
import { findUser, listUsers } from '../../store/users.js';
import { endpoint, reply } from '../endpoint.js';
import { page, User } from '../openapi/shapes.js';
import { decodeCursor, encodeCursor, presentUser } from '../present.js';
import { enableUserBody, listUsersQuery } from '../schemas.js';

const USER = '/tenants/:tenantId/users/:userId';
const UUID_CURSOR = /^[0-9a-f-]{36}$/;

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
    method: 'get', path: '/tenants/:tenantId/users', access: 'tenant', tag: 'Users', summary: 'List users, or find one by email',
    description: '`email` matches exactly, ignoring case. Pass `nextCursor` back as `cursor` for the next page.',
    query: listUsersQuery, responses: { 200: { description: 'A page of users', schema: page(User) } },
    example: () => ({ query: 'limit=20' }),
    handle: async ({ s, params, query: q }) => {
      const after = decodeCursor(q.cursor, UUID_CURSOR);
      const rows = await listUsers(s.db, params.tenantId!, { email: q.email, after, limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      return reply(200, { items: items.map(presentUser), nextCursor: rows.length > q.limit ? encodeCursor(items[items.length - 1]!.id) : null });
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
