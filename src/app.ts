// The HTTP application: request logs and timing, health and metrics, API documentation, the
// admin console, the voice webhooks, the admin API.
import express, { type Express, type Router } from 'express';
import { adminApiDocument } from './admin/openapi/index.js';
import { adminApi } from './admin/router.js';
import { consoleRoutes } from './console/router.js';
import { docsRoutes } from './http/docs.js';
import { requestLogging, requestMetrics } from './http/observability.js';
import { notFoundHandler, problemHandler } from './http/problem.js';
import { healthRoutes } from './http/health.js';
import { metricsRoutes } from './http/metrics.js';
import { securityHeaders } from './http/security-headers.js';
import { jitsiRoutes } from './jitsi/router.js';
import type { Services } from './services.js';
import { VoiceWebhooks } from './voice/router.js';

export interface AppParts {
  /** The voice webhooks (made here unless given: main.ts shares one with its fast path). */
  voice?: VoiceWebhooks;
  /** Mounted at the root before the admin API (e.g. /voice, /docs, /admin console). */
  routers?: Router[];
}

export function createApp(s: Services, parts: AppParts = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', s.config.trustProxyHops || false);
  app.set('etag', false);
  app.use(securityHeaders); // first: every answer carries them, 404s and problems included
  app.use(requestLogging(s), requestMetrics(s));
  app.use(healthRoutes(s), metricsRoutes(s));
  const api = adminApi(s);
  app.use(docsRoutes(adminApiDocument(), s.log));
  app.use(consoleRoutes());
  app.use((parts.voice ?? new VoiceWebhooks(s)).router());
  app.use(jitsiRoutes(s));
  for (const r of parts.routers ?? []) app.use(r);
  app.use('/api/v1', api);
  app.use(notFoundHandler);
  app.use(problemHandler(s.log));
  return app;
}
