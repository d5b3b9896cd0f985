// Per-request logging and timing. Every request gets an id (the caller's X-Request-Id when it is
// a sane token, else a new UUID), echoed in the response. One JSON log line per request with
// the fields of logging.ts's RequestLogLine: reqId, method, path (never the query string: it may
// carry an email or call state), status and ms.
// Voice webhooks are logged and timed by the voice handler itself (src/voice/router.ts), which
// serves them without express on the hot path: one place, whichever way they arrive.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { requestMs, type Logger, type RequestLogLine } from '../logging.js';
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
  return (req: Request, res: Response, next) => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const reqId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', reqId);
    // handlers and the error handler log through req.log, which names the request
    (req as Request & { log: Logger }).log = s.log.child({ reqId });
    const path = fullPath(req); // now: routers rewrite req.url while they run
    if (QUIET.has(path) || routeGroup(path) === 'voice') return next();
    const done = () => {
      res.off('finish', done).off('close', done);
      // a connection closed before the answer was sent is logged as 499, as nginx does
      const line: RequestLogLine = { reqId, method: req.method, path, status: res.writableFinished ? res.statusCode : 499, ms: requestMs(performance.now() - started) };
      s.log[line.status >= 500 ? 'error' : 'info'](line, `${line.method} ${line.path} ${line.status}`);
    };
    res.once('finish', done).once('close', done);
    next();
  };
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
