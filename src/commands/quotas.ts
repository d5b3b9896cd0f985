// Per-tenant quotas on admin actions (docs/security.md, "Admin-side quotas and the shared-bridge
// ID oracle"). Counted in PostgreSQL (store/quotas.ts) rather than Redis: a quota taken in the
// command's transaction is given back when the command rolls back, a counted conflict commits
// together with its audit event, and the row lock makes concurrent requests take turns, so a
// limit holds under any parallelism. Platform keys (the operator) are not held to them.
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import type { Tx } from '../store/db.js';
import { consumeQuota, quotaUsed, secondsLeft, type QuotaKind, type QuotaWindow } from '../store/quotas.js';

const HOUR_S = 3600;
const DAY_S = 86_400;

/** A platform key's actor (an admin principal with no tenant); job actors and tenant keys are not. */
export const isPlatformActor = (actor: Actor): boolean => (actor as Actor & { tenantId?: string | null }).tenantId === null;

function quotaError(what: string, limit: number, per: string, retryAfterS: number): AppError {
  return new AppError('quota_exceeded', `${what}: this tenant's quota is ${limit} ${per}; retry in ${retryAfterS} s (an operator may raise it)`, undefined, {
    'Retry-After': String(retryAfterS),
  });
}

const windows: Record<Exclude<QuotaKind, 'id_conflicts'>, { windowS: number; limit: (s: Services) => number; what: string; per: string }> = {
  emails: { windowS: HOUR_S, limit: (s) => s.config.quotas.emailsPerHour, what: 'too many emails', per: 'an hour' },
  id_changes: { windowS: DAY_S, limit: (s) => s.config.quotas.idChangesPerDay, what: 'too many conference-ID resets and changes', per: 'a day' },
};

/**
 * Takes `amount` from the tenant's quota of `kind` in the command's transaction (call it last,
 * just before COMMIT: the row stays locked until then); 429 with Retry-After when it would pass.
 */
export async function reserveQuota(s: Services, tx: Tx, actor: Actor, tenantId: string, kind: 'emails' | 'id_changes', amount: number): Promise<void> {
  if (amount <= 0 || isPlatformActor(actor)) return;
  const q = windows[kind];
  const limit = q.limit(s);
  const outcome = await consumeQuota(tx, { tenantId, kind, windowS: q.windowS }, amount, limit);
  if (!outcome.ok) {
    s.log.warn({ tenantId, quota: kind, limit, used: outcome.used, asked: amount }, 'tenant quota reached; request refused (429)');
    throw quotaError(`${q.what} (${outcome.used} used, ${amount} more asked)`, limit, q.per, outcome.retryAfterS);
  }
}

export interface ChosenId {
  tenantId: string;
  /** The chosen ID; absent when the service picks one (nothing to guard). */
  conferenceId: string | undefined;
  /** What the audit event of a conflict names (the user, or the tenant for a new user). */
  target: { type: string; id: string };
}

/**
 * Runs `work` (a command that may claim a chosen ID) so that a tenant cannot map the bridge's
 * taken IDs through 409s: while the tenant's conflicts this hour are at the limit, a chosen ID is
 * refused (429) without being tried; each conflict is counted and audited in a transaction of its
 * own (the command's rolled back), and one that passes the limit is answered 429, not 409.
 */
export async function guardChosenId<T>(s: Services, actor: Actor, chosen: ChosenId, work: () => Promise<T>): Promise<T> {
  if (chosen.conferenceId === undefined) return work();
  const platform = isPlatformActor(actor);
  const limit = s.config.quotas.idConflictsPerHour;
  const w: QuotaWindow = { tenantId: chosen.tenantId, kind: 'id_conflicts', windowS: HOUR_S };
  if (!platform && (await quotaUsed(s.db, w)) >= limit) {
    throw quotaError('too many chosen conference IDs were taken', limit, 'an hour', await secondsLeft(s.db, HOUR_S));
  }
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'conference_id_unavailable')) throw err;
    const outcome = await s.db.transaction(async (tx) => {
      const counted = platform ? { ok: true as const } : await consumeQuota(tx, w, 1, limit);
      await recordAudit(tx, {
        tenantId: chosen.tenantId, actor, action: 'conference_id.conflict', target: chosen.target,
        details: { conferenceId: chosen.conferenceId, answered: counted.ok ? 409 : 429 },
      });
      return counted;
    });
    if (outcome.ok) throw err;
    s.log.warn({ tenantId: chosen.tenantId, quota: 'id_conflicts', limit }, 'chosen-ID conflicts over the tenant\'s hourly budget; answered 429 (see the audit events conference_id.conflict)');
    throw quotaError('too many chosen conference IDs were taken', limit, 'an hour', outcome.retryAfterS);
  }
}
