// Who may do what: platform keys everything; tenant keys only inside their tenant (anything
// else is answered 404, as if it did not exist); read-only keys only GET.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { uuidParam } from '../http/validate.js';
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

/** Routes only a platform key may call. */
export const platformOnly: RequestHandler = (_req, res, next) => {
  if (principalOf(res).tenantId !== null) throw new AppError('forbidden', 'this route needs a platform key');
  next();
};

/** The tenant named by the path, if the key may reach it; 404 otherwise. */
export function tenantInReach(req: Request, res: Response): string {
  const tenantId = uuidParam(req.params.tenantId, 'tenant');
  const own = principalOf(res).tenantId;
  if (own !== null && own !== tenantId) throw new AppError('not_found', 'tenant not found');
  return tenantId;
}
