// /metrics (Prometheus). Not for the public: with METRICS_TOKEN it needs
// "Authorization: Bearer <token>"; with METRICS_PORT it is served only on that port, by a small
// server of its own (the Prometheus convention: scrape a port the load balancer does not
// expose). In production with neither it is not served at all; in development and tests it
// stays open on the main port.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express, { Router, type RequestHandler } from 'express';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { notFoundHandler, problemHandler } from './problem.js';
import { securityHeaders } from './security-headers.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();

function scrape(s: Services): RequestHandler {
  const expected = s.config.metrics.token === undefined ? null : digest(s.config.metrics.token);
  return async (req, res) => {
    if (expected) {
      const presented = BEARER.exec(req.get('authorization') ?? '')?.[1];
      // compared as digests: constant time, whatever the length presented
      if (!presented || !timingSafeEqual(digest(presented), expected)) {
        throw new AppError('unauthorized', 'send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"', undefined, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
      }
    }
    res.setHeader('Cache-Control', 'no-store');
    res.type(s.metrics.registry.contentType).send(await s.metrics.registry.metrics());
  };
}

/** /metrics on the main app, when the configuration puts it there (else the app's 404). */
export function metricsRoutes(s: Services): Router {
  const r = Router();
  if (s.config.metrics.onMainPort) r.get('/metrics', scrape(s));
  return r;
}

/** The server of METRICS_PORT: /metrics and nothing else. Resolves once listening. */
export async function startMetricsServer(s: Services, port: number, host?: string): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders);
  app.get('/metrics', scrape(s));
  app.use(notFoundHandler);
  app.use(problemHandler(s.log));
  const server = createServer(app);
  server.requestTimeout = s.config.httpRequestTimeoutMs;
  server.headersTimeout = Math.min(s.config.httpRequestTimeoutMs, 10_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  s.log.info({ port: (server.address() as { port: number }).port }, 'metrics served on their own port');
  return server;
}
