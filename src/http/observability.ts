// Per-request logging and timing. Every request gets an id (the caller's X-Request-Id when it is
// a sane token, else a new UUID), echoed in the response. One JSON log line per request with
// method, path (never the query string: it may carry an email or call state), status and time;
// voice webhooks add the CallSid from the form body, and nothing else from it (never Digits).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Services } from '../services.js';

const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

export type RouteGroup = 'voice' | 'admin' | 'health' | 'console' | 'docs' | 'other';

export function routeGroup(path: string): RouteGroup {
  if (path === '/voice' || path.startsWith('/voice/')) return 'voice';
  if (path.startsWith('/api/')) return 'admin';
  if (QUIET.has(path)) return 'health';
  if (path === '/admin' || path.startsWith('/admin/')) return 'console';
  if (path === '/docs' || path === '/openapi.json') return 'docs';
  return 'other';
}

const pathOf = (url: string | undefined) => (url ?? '/').split('?')[0]!;
/** Routers rewrite req.url while they run; originalUrl keeps the whole path. */
const fullPath = (req: IncomingMessage) => pathOf((req as Request).originalUrl ?? req.url);

/** The CallSid of a parsed Twilio form body, when it looks like one. */
export function callSidOf(req: { body?: unknown }): string | undefined {
  const sid = (req.body as Record<string, unknown> | undefined)?.CallSid;
  return typeof sid === 'string' && CALL_SID.test(sid) ? sid : undefined;
}

export function requestLogging(s: Services): RequestHandler {
  return pinoHttp({
    logger: s.log,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Called again when the response is done, after the voice router has parsed the body.
    customProps: (req: IncomingMessage) => {
      const sid = callSidOf(req as Request);
      return sid ? { callSid: sid } : {};
    },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: pathOf(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${fullPath(req)} ${res.statusCode}`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${fullPath(req)} ${res.statusCode}`,
    autoLogging: { ignore: (req: IncomingMessage) => QUIET.has(fullPath(req)) },
    quietReqLogger: true,
  });
}

/** HTTP latency by route group, and per voice route (the matched pattern, not the raw path). */
export function requestMetrics(s: Services): RequestHandler {
  return (req: Request, res: Response, next) => {
    const started = process.hrtime.bigint();
    const group = routeGroup(req.path); // now: routers rewrite req.url while they run
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = `${Math.floor(res.statusCode / 100)}xx`;
      s.metrics.httpDuration.observe({ group, status }, seconds);
      if (group === 'voice') {
        const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        s.metrics.webhookDuration.observe({ route, status: String(res.statusCode) }, seconds);
      }
    });
    next();
  };
}
