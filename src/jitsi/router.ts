// The public endpoints Jitsi Meet calls from users' browsers, outside the admin API and without
// a key (by Jitsi's design): GET /jitsi/{integrationId}/conferenceMapper and
// /jitsi/{integrationId}/phoneNumberList, set in Jitsi Meet's config.js as dialInConfCodeUrl and
// dialInNumbersUrl. Each request is rate-limited per client address before anything is read,
// served only to the integration's allowed origins (CORS), and answers problem+json with a
// `message` (what the client logs) for anything it refuses; never a 500 for bad input.
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError, DependencyError } from '../errors.js';
import { problemDocument } from '../http/problem.js';
import { uuidParam } from '../http/validate.js';
import type { Services } from '../services.js';
import { findBridge } from '../store/bridges.js';
import { findIntegration, type JitsiIntegrationRow } from '../store/jitsi-integrations.js';
import { listNumbers } from '../store/numbers.js';
import { parseConference } from '../domain/jitsi.js';
import { allowOrigin, preflight } from './cors.js';
import { limitClient } from './limits.js';
import { badRequest, conferenceMapper } from './mapper.js';
import { legacyNumberList, phoneNumberList } from './numbers.js';
import { readQuery, type Query } from './query.js';

export const JITSI_ENDPOINTS = ['conferenceMapper', 'phoneNumberList'] as const;
type Endpoint = (typeof JITSI_ENDPOINTS)[number];

type Handler = (s: Services, integration: JitsiIntegrationRow, q: Query) => Promise<unknown>;

const HANDLERS: Record<Endpoint, Handler> = {
  conferenceMapper,
  phoneNumberList: async (s, integration, q) => {
    // newer clients send the conference; it must then be one this integration answers for
    const conference = q.single('conference');
    if (conference !== null) {
      const c = parseConference(conference, integration.muc_domains);
      if ('problem' in c) throw badRequest('conference', c.problem);
    }
    const format = q.single('format');
    if (format !== null && format !== 'legacy') throw badRequest('format', 'format may only be "legacy" (the { numbersEnabled, numbers } form)');
    const bridge = await findBridge(s.db, integration.bridge_id);
    const list = phoneNumberList(bridge!, await listNumbers(s.db, integration.bridge_id));
    return format === 'legacy' ? legacyNumberList(list) : list;
  },
};

export function jitsiRoutes(s: Services): Router {
  const router = Router();
  router.use('/jitsi', (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    next();
  });
  for (const endpoint of JITSI_ENDPOINTS) {
    const path = `/jitsi/:integrationId/${endpoint}`;
    router.get(path, route(async (req, res) => {
      const integration = await admit(s, req, res);
      const answer = await HANDLERS[endpoint](s, integration, readQuery(req.originalUrl));
      s.metrics.jitsiRequests.inc({ endpoint, outcome: 'ok' });
      res.json(answer);
    }));
    router.options(path, route(async (req, res) => preflight(req, res, (await admit(s, req, res, { cors: false })).allowed_origins)));
    router.all(path, () => {
      throw new AppError('method_not_allowed', 'use GET', undefined, { Allow: 'GET, HEAD, OPTIONS' });
    });
  }
  router.use('/jitsi', () => {
    throw new AppError('not_found', `no such endpoint; use /jitsi/{integrationId}/${JITSI_ENDPOINTS.join(' or ')}`);
  });
  router.use('/jitsi', problems(s));
  return router;
}

/** The rate limit, then the integration (404 when none), then its CORS rule. */
async function admit(s: Services, req: Request, res: Response, { cors = true } = {}): Promise<JitsiIntegrationRow> {
  await limitClient(s, req.ip ?? 'unknown');
  const id = uuidParam(req.params.integrationId, 'Jitsi integration');
  const integration = await findIntegration(s.db, id);
  if (!integration) throw new AppError('not_found', 'Jitsi integration not found');
  if (cors) allowOrigin(req, res, integration.allowed_origins);
  return integration;
}

const route = (fn: (req: Request, res: Response) => Promise<void>): RequestHandler => (req, res, next) => fn(req, res).catch(next);

/** Refusals as problem+json, with `message` (what Jitsi Meet's client reads) beside `detail`. */
function problems(s: Services) {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (!(err instanceof AppError)) {
      s.log.error({ err, path: req.path }, 'Jitsi endpoint failed');
      err = new AppError('internal', 'something went wrong on our side; the request may be retried');
    }
    const e = err as AppError;
    if (e instanceof DependencyError) s.log.warn({ dependency: e.dependency, path: req.path }, e.detail);
    s.metrics.jitsiRequests.inc({ endpoint: endpointOf(req.path), outcome: String(e.status) });
    if (e.headers) res.set(e.headers);
    const body = JSON.parse(problemDocument(e)) as Record<string, unknown>;
    res.status(e.status).type('application/problem+json').send(JSON.stringify({ ...body, message: e.detail }));
  };
}

const endpointOf = (path: string) => JITSI_ENDPOINTS.find((e) => path.endsWith(`/${e}`)) ?? 'other';
