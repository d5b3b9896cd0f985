// Every admin request carries an API key: it is authenticated and rate limited here, and a
// read-only key may only read. What a key may reach is each endpoint's declared access level,
// which the router enforces (router.ts, endpoint.ts).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { authenticate, type Principal } from './api-keys.js';
import { enforceAdminRate } from './rate-limit.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Authenticates, then counts the request against its key's rate (or its address's, without a valid key). */
export function requireApiKey(s: Services): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const m = header ? BEARER.exec(header) : null;
    const principal = m ? await authenticate(s, m[1]!) : null;
    if (!principal) {
      await enforceAdminRate(s, `ip:${req.ip ?? 'unknown'}`);
      if (!m) throw new AppError('unauthorized', 'send an API key as "Authorization: Bearer <key>"', undefined, { 'WWW-Authenticate': 'Bearer' });
      throw new AppError('unauthorized', 'the API key is unknown or revoked', undefined, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    await enforceAdminRate(s, `key:${principal.apiKeyId ?? 'bootstrap'}`);
    if (principal.readOnly && !READ_METHODS.has(req.method)) throw new AppError('forbidden', 'this API key is read-only');
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}
