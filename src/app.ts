// The HTTP application: health, the admin API, the voice webhooks, metrics.
import express, { type Express, type Router } from 'express';
import { adminApi, type AdminRoutes } from './admin/router.js';
import { notFoundHandler, problemHandler } from './http/problem.js';
import { healthRoutes } from './http/health.js';
import type { Services } from './services.js';

export interface AppParts {
  /** Admin route groups beyond the core (meetings, jobs, ...). */
  adminRoutes?: AdminRoutes[];
  /** Mounted at the root before the admin API (e.g. /voice, /docs, /admin console). */
  routers?: Router[];
}

export function createApp(s: Services, parts: AppParts = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', s.config.trustProxyHops || false);
  app.set('etag', false);
  app.use(healthRoutes(s));
  for (const r of parts.routers ?? []) app.use(r);
  app.use('/api/v1', adminApi(s, parts.adminRoutes));
  app.use(notFoundHandler);
  app.use(problemHandler(s.log));
  return app;
}
