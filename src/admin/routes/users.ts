// /api/v1/tenants/{t}/users: enable, read, list, disable.
import { Router } from 'express';
import { notFound } from '../../errors.js';
import { parse, uuidParam } from '../../http/validate.js';
import { disableUser } from '../../commands/disable-user.js';
import { enableUser } from '../../commands/enable-user.js';
import type { Services } from '../../services.js';
import { findUser, listUsers } from '../../store/users.js';
import { principalOf, tenantInReach } from '../access.js';
import { decodeCursor, encodeCursor, presentUser } from '../present.js';
import { enableUserBody, listUsersQuery } from '../schemas.js';

const UUID_CURSOR = /^[0-9a-f-]{36}$/;

export function userRoutes(s: Services): Router {
  const r = Router();

  r.post('/tenants/:tenantId/users', async (req, res) => {
    const tenantId = tenantInReach(req, res);
    const body = parse(enableUserBody, req.body);
    const { user, leaderPin, emailQueued } = await enableUser(s, principalOf(res), { tenantId, ...body });
    res.status(201).json({ ...presentUser(user), ...(leaderPin ? { leaderPin } : {}), emailQueued });
  });

  r.get('/tenants/:tenantId/users', async (req, res) => {
    const tenantId = tenantInReach(req, res);
    const q = parse(listUsersQuery, req.query);
    const after = decodeCursor(q.cursor, UUID_CURSOR);
    const rows = await listUsers(s.db, tenantId, { email: q.email, after, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    res.json({ items: page.map(presentUser), nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!.id) : null });
  });

  r.get('/tenants/:tenantId/users/:userId', async (req, res) => {
    const tenantId = tenantInReach(req, res);
    const user = await findUser(s.db, tenantId, uuidParam(req.params.userId, 'user'));
    if (!user) throw notFound('user');
    res.json(presentUser(user));
  });

  r.delete('/tenants/:tenantId/users/:userId', async (req, res) => {
    const tenantId = tenantInReach(req, res);
    await disableUser(s, principalOf(res), { tenantId, userId: uuidParam(req.params.userId, 'user') });
    res.status(204).end();
  });
  return r;
}
