// Admin requests per key (or per client address, for requests without a valid key) per
// minute, counted in the shared cache so the limit holds across instances. A fixed window per
// calendar minute: simple to reason about, and Retry-After is exact. When the cache cannot
// count, requests pass (fail open): the limit protects capacity, not secrets.
import { AppError } from '../errors.js';
import type { Services } from '../services.js';

export async function enforceAdminRate(s: Services, subject: string, now = Date.now()): Promise<void> {
  const minute = Math.floor(now / 60_000);
  let count: number;
  try {
    count = await s.cache.incrWithExpiry(s.keys.adminRate(subject, minute), 61_000);
  } catch (err) {
    s.log.debug({ err: (err as Error).message }, 'admin rate limit not counted (cache unavailable)');
    return;
  }
  if (count > s.config.adminRateLimitPerMin) throw rateLimited(s, minute, now);
}

/**
 * Refuses without counting when `subject` is already over its limit this minute: one cache read,
 * so that a refusal costs no more than that (checked before an API key is looked up in
 * PostgreSQL). Passes when the cache cannot answer, like the count.
 */
export async function refuseIfOverAdminRate(s: Services, subject: string, now = Date.now()): Promise<void> {
  const minute = Math.floor(now / 60_000);
  let count: number;
  try {
    count = Number(await s.cache.get(s.keys.adminRate(subject, minute)) ?? 0);
  } catch {
    return;
  }
  if (count > s.config.adminRateLimitPerMin) throw rateLimited(s, minute, now);
}

function rateLimited(s: Services, minute: number, now: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
  return new AppError('rate_limited', `more than ${s.config.adminRateLimitPerMin} requests in a minute; retry in ${retryAfter} s`, undefined, { 'Retry-After': String(retryAfter) });
}
