// Every admin request carries an API key: it is authenticated and rate limited here, and a
// read-only key may only read. What a key may reach is each endpoint's declared access level,
// which the router enforces (router.ts, endpoint.ts). A refusal stays cheap: once a client
// address is over its limit (requests without a valid key), a key that would need a database
// lookup is refused with 429 before the lookup; only the bootstrap key, checked in memory, is
// still looked at.
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { API_KEY_FORMAT, hashApiKey } from '../domain/api-keys.js';
import { authenticate, type Principal } from './api-keys.js';
import { enforceAdminRate, refuseIfOverAdminRate } from './rate-limit.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Authenticates, then counts the request against its key's rate (or its address's, without a valid key). */
export function requireApiKey(s: Services): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const m = header ? BEARER.exec(header) : null;
    const address = `ip:${req.ip ?? 'unknown'}`;
    if (m && needsLookup(s, m[1]!)) await refuseIfOverAdminRate(s, address);
    const principal = m ? await authenticate(s, m[1]!) : null;
    if (!principal) {
      await enforceAdminRate(s, address);
      if (!m) throw new AppError('unauthorized', 'send an API key as "Authorization: Bearer <key>"', undefined, { 'WWW-Authenticate': 'Bearer' });
      throw new AppError('unauthorized', 'the API key is unknown or revoked', undefined, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    await enforceAdminRate(s, `key:${principal.apiKeyId ?? 'bootstrap'}`);
    if (principal.readOnly && !READ_METHODS.has(req.method)) throw new AppError('forbidden', 'this API key is read-only');
    res.locals.principal = principal;
    next();
  };
}

/** A stored key's shape (found in PostgreSQL), and not the bootstrap key (compared in memory). */
function needsLookup(s: Services, presented: string): boolean {
  if (!API_KEY_FORMAT.test(presented)) return false;
  const bootstrap = s.config.bootstrapAdminKey;
  return !bootstrap || !timingSafeEqual(hashApiKey(presented), hashApiKey(bootstrap));
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}
