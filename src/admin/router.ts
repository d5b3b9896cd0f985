// The admin API under /api/v1, built from the endpoint declarations (endpoints/): an API key on
// every request, JSON bodies up to 100 KiB, the declared access level enforced before the
// handler runs, 405 with Allow for a known path and another method, 415 for a body that is not
// JSON, and problem+json for every refusal. No answer is cached anywhere (some carry a PIN or a
// key, and all of them are one key's view): Cache-Control: no-store on each, refusals included.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors.js';
import { parse } from '../http/validate.js';
import { sendProblem } from '../http/problem.js';
import type { Services } from '../services.js';
import { principalOf, requireApiKey } from './access.js';
import type { Principal } from './api-keys.js';
import type { Endpoint, Reply } from './endpoint.js';
import { ENDPOINTS } from './endpoints/index.js';
import { PATH_PARAMS, paramNames } from './path-params.js';

export const ADMIN_BODY_LIMIT_BYTES = 102_400;

export function adminApi(s: Services, endpoints: readonly Endpoint[] = ENDPOINTS): Router {
  const api = Router();
  api.use(noStore);
  api.use(requestDeadline(s.config.adminRequestTimeoutMs));
  api.use(requireApiKey(s));
  api.use(jsonWritesOnly);
  // Parsed after authentication, so an anonymous caller cannot make us read a large body.
  api.use(express.json({ limit: ADMIN_BODY_LIMIT_BYTES, type: ['application/json', 'application/*+json'] }));
  const methods = new Map<string, string[]>();
  for (const e of endpoints) {
    api[e.method](e.path, handler(s, e));
    methods.set(e.path, [...(methods.get(e.path) ?? []), e.method.toUpperCase()]);
  }
  for (const [path, allowed] of methods) {
    const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', ');
    api.all(path, (req) => {
      throw new AppError('method_not_allowed', `${req.method} is not allowed here; use ${allow}`, undefined, { Allow: allow });
    });
  }
  return api;
}

function handler(s: Services, e: Endpoint): RequestHandler {
  return async (req, res) => {
    const principal = principalOf(res);
    const params = checkAccess(e, principal, req.params as Record<string, string>);
    const query = e.query ? parse(e.query, req.query) : undefined;
    const body = e.body ? parse(e.body, jsonBody(req)) : undefined;
    send(res, await e.handle({ s, principal, params, query, body }));
  };
}

/** Enforces the endpoint's access level, then checks its path parameters (see endpoint.ts). */
function checkAccess(e: Endpoint, principal: Principal, raw: Record<string, string>): Record<string, string> {
  if (e.access === 'platform' && principal.tenantId !== null) throw new AppError('forbidden', 'this route needs a platform key');
  const params: Record<string, string> = {};
  if (e.access === 'tenant') {
    params.tenantId = PATH_PARAMS.tenantId!.check(raw.tenantId ?? '');
    if (principal.tenantId !== null && principal.tenantId !== params.tenantId) throw new AppError('not_found', 'tenant not found');
  }
  for (const name of paramNames(e.path)) params[name] ??= PATH_PARAMS[name]!.check(raw[name] ?? '');
  return params;
}

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A write whose body is not JSON is refused before anything reads it, whichever endpoint it is
 * for (one without a body schema too): a form or text body would otherwise be taken for "no
 * body" and the write done with its defaults.
 */
const jsonWritesOnly: RequestHandler = (req, _res, next) => {
  if (!READS.has(req.method) && hasBody(req) && !req.is(['application/json', 'application/*+json'])) {
    throw new AppError('unsupported_media_type', `send the body as application/json (it was ${req.headers['content-type'] ?? 'untyped'})`);
  }
  next();
};

/** "Content-Length: 0" is no body (type-is counts it as one). */
const hasBody = (req: Request) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/** The JSON body, or {} when none was sent; 415 for a body of another type. */
function jsonBody(req: Request): unknown {
  if (req.body !== undefined) return req.body;
  if (hasBody(req)) throw new AppError('unsupported_media_type', `send the body as application/json (it was ${req.headers['content-type'] ?? 'untyped'})`);
  return {};
}

function send(res: Response, r: Reply): void {
  if (r.headers) res.set(r.headers);
  if (r.text !== undefined) res.status(r.status).type(r.contentType ?? 'text/plain').send(r.text);
  else if (r.body === undefined) res.status(r.status).end();
  else res.status(r.status).json(r.body);
}

/** Answers 503 when a request outlives its deadline (the database has its own statement timeout). */
function requestDeadline(ms: number): RequestHandler {
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      if (!res.headersSent) sendProblem(res, new AppError('timeout', `the request took longer than ${ms} ms; it may or may not have taken effect`));
    }, ms);
    res.on('close', () => clearTimeout(timer));
    res.on('finish', () => clearTimeout(timer));
    next();
  };
}
