// The public endpoints' limits, counted in the shared cache so they hold across instances: a
// fixed window per calendar minute per client address (every request), and per integration for
// new mapper IDs. When the cache cannot count, requests pass (fail open): the limits protect
// capacity, and the live-ID cap in PostgreSQL still bounds what an integration can take.
import { AppError } from '../errors.js';
import type { Services } from '../services.js';

async function count(s: Services, subject: string, limit: number, what: string, now: number): Promise<void> {
  const minute = Math.floor(now / 60_000);
  let n: number;
  try {
    n = await s.cache.incrWithExpiry(s.keys.jitsiRate(subject, minute), 61_000);
  } catch (err) {
    s.log.debug({ err: (err as Error).message, subject: subject.split(':')[0] }, 'Jitsi rate limit not counted (cache unavailable)');
    return;
  }
  if (n > limit) {
    const retryAfter = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
    throw new AppError('rate_limited', `more than ${limit} ${what} in a minute; retry in ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) });
  }
}

/** Every request to the public endpoints, per client address. */
export const limitClient = (s: Services, address: string, now = Date.now()) =>
  count(s, `ip:${address}`, s.config.jitsi.clientRatePerMin, 'requests from this address', now);

/** A conference ID about to be issued, per integration. */
export const limitNewIds = (s: Services, integrationId: string, now = Date.now()) =>
  count(s, `new:${integrationId}`, s.config.jitsi.newIdsPerMin, 'new conference IDs for this integration', now);
