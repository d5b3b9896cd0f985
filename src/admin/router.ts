// The admin API under /api/v1: JSON bodies up to 100 KiB, an API key on every request, and
// problem+json for every refusal.
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError } from '../errors.js';
import { sendProblem } from '../http/problem.js';
import type { Services } from '../services.js';
import type { AdminRoutes } from './openapi/document.js';
import { requireApiKey } from './access.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { auditRoutes } from './routes/audit-events.js';
import { bridgeRoutes } from './routes/bridges.js';
import { dialInNumberRoutes } from './routes/dial-in-numbers.js';
import { jobRoutes } from './routes/jobs.js';
import { meetingRoutes } from './routes/meetings.js';
import { meRoutes } from './routes/me.js';
import { outboxRoutes } from './routes/outbox.js';
import { tenantRoutes } from './routes/tenants.js';
import { userActionRoutes } from './routes/user-actions.js';
import { userRoutes } from './routes/users.js';

export const ADMIN_BODY_LIMIT_BYTES = 102_400;

/** Extra route groups (plugins) register here before the app is built; see openapi/document.ts. */
export type { AdminRoutes } from './openapi/document.js';

/** Every route group of the contract (and the operator routes), in one place. */
const CORE_ROUTES: AdminRoutes[] = [
  bridgeRoutes, dialInNumberRoutes, tenantRoutes, apiKeyRoutes, meRoutes, userRoutes, userActionRoutes, auditRoutes,
  meetingRoutes, jobRoutes, outboxRoutes,
];

export function adminApi(s: Services, extra: AdminRoutes[] = []): Router {
  const api = Router();
  api.use(helmet());
  api.use(requestDeadline(s.config.adminRequestTimeoutMs));
  api.use(requireApiKey(s));
  // Parsed after authentication, so an anonymous caller cannot make us read a large body.
  api.use(express.json({ limit: ADMIN_BODY_LIMIT_BYTES, type: ['application/json', 'application/*+json'] }));
  api.use((req, _res, next) => {
    req.body ??= {};
    next();
  });
  for (const routes of [...CORE_ROUTES, ...extra]) {
    api.use(routes(s));
  }
  return api;
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
