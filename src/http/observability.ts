// Per-request logging and timing. Every request gets an id (the caller's X-Request-Id when it is
// a sane token, else a new UUID), echoed in the response. One JSON log line per request with
// method, path (never the query string: it may carry an email or call state), status and time.
// Voice webhooks are logged and timed by the voice handler itself (src/voice/router.ts), which
// serves them without express on the hot path: one place, whichever way they arrive.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Services } from '../services.js';

const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

export type RouteGroup = 'voice' | 'admin' | 'jitsi' | 'health' | 'console' | 'docs' | 'other';

export function routeGroup(path: string): RouteGroup {
  if (path === '/voice' || path.startsWith('/voice/')) return 'voice';
  if (path.startsWith('/api/')) return 'admin';
  if (path.startsWith('/jitsi/')) return 'jitsi';
  if (QUIET.has(path)) return 'health';
  if (path === '/admin' || path.startsWith('/admin/')) return 'console';
  if (path === '/docs' || path === '/openapi.json') return 'docs';
  return 'other';
}

const pathOf = (url: string | undefined) => (url ?? '/').split('?')[0]!;
/** Routers rewrite req.url while they run; originalUrl keeps the whole path. */
const fullPath = (req: IncomingMessage) => pathOf((req as Request).originalUrl ?? req.url);

export function requestLogging(s: Services): RequestHandler {
  return pinoHttp({
    logger: s.log,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: pathOf(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${fullPath(req)} ${res.statusCode}`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${fullPath(req)} ${res.statusCode}`,
    autoLogging: { ignore: (req: IncomingMessage) => QUIET.has(fullPath(req)) || routeGroup(fullPath(req)) === 'voice' },
    quietReqLogger: true,
  });
}

/** HTTP latency by route group (voice webhooks are timed by the voice handler). */
export function requestMetrics(s: Services): RequestHandler {
  return (req: Request, res: Response, next) => {
    const started = process.hrtime.bigint();
    const group = routeGroup(req.path); // now: routers rewrite req.url while they run
    if (group === 'voice') return next();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      s.metrics.httpDuration.observe({ group, status: `${Math.floor(res.statusCode / 100)}xx` }, seconds);
    });
    next();
  };
}
