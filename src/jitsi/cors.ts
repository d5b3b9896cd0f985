// Cross-origin access for Jitsi Meet's browser client: only the origins the integration names.
// A request from another origin is refused outright (403, nothing looked up or stored), not
// merely left unreadable: a page elsewhere could otherwise make browsers issue IDs for it.
// Requests without an Origin header (servers, curl) carry no browser context and are served,
// rate-limited like every other; but a browser's cross-site request that is not a CORS fetch
// (an <img> or <script> on another site, a link followed from one: Sec-Fetch-Mode is not
// "cors") carries no Origin on a GET either, so it is refused too.
import type { Request, Response } from 'express';
import { AppError } from '../errors.js';

/** Sets the CORS headers for an allowed origin; throws 403 for any other. */
export function allowOrigin(req: Request, res: Response, allowed: readonly string[]): void {
  res.vary('Origin');
  const origin = req.get('origin');
  const site = req.get('sec-fetch-site');
  if ((site === 'cross-site' || site === 'same-site') && req.get('sec-fetch-mode') !== 'cors') {
    throw new AppError('forbidden', 'only cross-origin fetches (CORS) from the integration\'s allowed origins are served to browsers');
  }
  if (origin === undefined) return;
  if (!allowed.includes(origin)) {
    throw new AppError('forbidden', `the origin ${origin.slice(0, 200)} is not allowed to use this integration; add it to the integration's allowedOrigins`);
  }
  res.set('Access-Control-Allow-Origin', origin);
}

/** An allowed origin's preflight: GET only, no credentials. */
export function preflight(req: Request, res: Response, allowed: readonly string[]): void {
  allowOrigin(req, res, allowed);
  res.set({ 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Max-Age': '600' });
  const asked = req.get('access-control-request-headers');
  if (asked && /^[A-Za-z0-9, -]{1,200}$/.test(asked)) res.set('Access-Control-Allow-Headers', asked);
  res.status(204).end();
}
