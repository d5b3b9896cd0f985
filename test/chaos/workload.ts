// The concurrent workload, on both instances at once: admins resetting and choosing IDs,
// disabling users and enabling new ones, scheduling meetings (some of whose IDs expire during
// the run), one or more bulk reset jobs during the faults, and callers aiming at current IDs,
// at IDs being retired right now, at recently retired IDs and at random ones. Every choice comes
// from the seeded PRNG (one stream per worker).
import { placeCall } from './calls.js';
import { admin, type RunContext } from './clients.js';
import { nowMs, type AdminOp } from './history.js';
import type { Model, UserModel } from './model.js';
import type { Prng } from './prng.js';
import { enableUser, freshLookingId, scheduleMeeting } from './setup.js';

export interface WorkloadOptions {
  /** Concurrent callers. */
  callers: number;
  /** Mean pause of each caller between calls (ms). */
  callPauseMs: number;
  /** Concurrent single-user resetters and their mean pause (ms). */
  resetters: number;
  resetPauseMs: number;
  setIdPauseMs: number;
  lifecyclePauseMs: number;
  meetingPauseMs: number;
  /** When the bulk reset jobs start, in ms after the workload starts. */
  bulkResetsAtMs: number[];
  /** Static users never fall below this (disables stop). */
  minStaticUsers: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Workers {
  ctx: RunContext;
  model: Model;
  until: number;
  o: WorkloadOptions;
}

/** Runs `step` on one idle user at a time, marking it busy meanwhile. */
async function onUser(user: UserModel | undefined, step: (u: UserModel) => Promise<void>): Promise<void> {
  if (!user) return;
  user.busy = true;
  try {
    await step(user);
  } finally {
    user.busy = false;
  }
}

/** A change that retires `ids`: callers aim at them while it is in flight; afterwards they are retired (or maybe retired). */
async function retiring(model: Model, ids: (string | null)[], change: () => Promise<AdminOp>): Promise<AdminOp> {
  const known = ids.filter((x): x is string => !!x);
  for (const id of known) model.inflight.add(id);
  const op = await change();
  for (const id of known) {
    if (op.outcome === 'ok' || op.outcome === 'timeout' || op.outcome === 'error') model.retire(id);
    else model.inflight.delete(id);
  }
  return op;
}

async function resetter(w: Workers, prng: Prng): Promise<void> {
  while (nowMs() < w.until) {
    await sleep(prng.exp(w.o.resetPauseMs));
    const users = w.model.idle('static').filter((u) => u.currentId);
    if (!users.length || nowMs() >= w.until) continue;
    await onUser(prng.pick(users), async (u) => {
      const op = await retiring(w.model, [u.currentId], () => admin(w.ctx, prng, 'reset', 'POST', `/tenants/${w.model.staticTenantId}/users/${u.id}/conference-id/reset`,
        { sendEmail: false }, { userId: u.id, knownId: u.currentId }));
      if (op.outcome === 'ok') {
        w.model.retire(op.result.previousConferenceId);
        u.currentId = op.result.conferenceId;
        w.model.seen.add(u.currentId!);
      }
    });
  }
}

async function idSetter(w: Workers, prng: Prng): Promise<void> {
  while (nowMs() < w.until) {
    await sleep(prng.exp(w.o.setIdPauseMs));
    const users = w.model.idle('static').filter((u) => u.currentId);
    if (!users.length || nowMs() >= w.until) continue;
    await onUser(prng.pick(users), async (u) => {
      const chosen = freshLookingId(prng, w.model.seen);
      const op = await retiring(w.model, [u.currentId], () => admin(w.ctx, prng, 'set-id', 'PUT', `/tenants/${w.model.staticTenantId}/users/${u.id}/conference-id`,
        { conferenceId: chosen, sendEmail: false }, { userId: u.id, knownId: u.currentId }));
      if (op.outcome === 'ok') {
        w.model.retire(op.result.previousConferenceId);
        u.currentId = op.result.conferenceId;
        w.model.seen.add(chosen);
      }
    });
  }
}

/** Disables users (their IDs, and a dynamic organizer's meeting IDs, are retired) and enables new ones. */
async function lifecycle(w: Workers, prng: Prng): Promise<void> {
  while (nowMs() < w.until) {
    await sleep(prng.exp(w.o.lifecyclePauseMs));
    if (nowMs() >= w.until) break;
    const tenant = prng.chance(0.7) ? 'static' : 'dynamic';
    const min = tenant === 'static' ? w.o.minStaticUsers : 1;
    if (w.model.enabled(tenant).length > min && prng.chance(0.5)) {
      const idle = w.model.idle(tenant);
      if (!idle.length) continue;
      await onUser(prng.pick(idle), async (u) => {
        const knownIds = [u.currentId, ...u.meetings.map((m) => m.conferenceId)].filter((x): x is string => !!x);
        const tenantId = tenant === 'static' ? w.model.staticTenantId : w.model.dynamicTenantId;
        const op = await retiring(w.model, knownIds, () => admin(w.ctx, prng, 'disable', 'DELETE', `/tenants/${tenantId}/users/${u.id}`, undefined, { userId: u.id, knownIds }));
        // Unless it was refused, the user may be gone: the harness leaves it alone from now on.
        if (op.outcome !== 'refused' && op.outcome !== 'unavailable') u.enabled = false;
      });
    } else {
      const op = await enableUser(w.ctx, prng, w.model, tenant, tenant === 'static' && prng.chance(0.5) ? freshLookingId(prng, w.model.seen) : undefined);
      if (op.outcome === 'ok' && tenant === 'dynamic') await onUser(w.model.users.get(op.result.id), (u) => scheduleMeeting(w.ctx, prng, w.model, u).then(() => undefined));
    }
  }
}

/** Meetings in the dynamic tenant: upcoming ones, and ones whose ID expires a few seconds from now. */
async function scheduler(w: Workers, prng: Prng): Promise<void> {
  while (nowMs() < w.until) {
    await sleep(prng.exp(w.o.meetingPauseMs));
    const idle = w.model.idle('dynamic');
    if (!idle.length || nowMs() >= w.until) continue;
    const left = w.until - nowMs();
    const expiresIn = prng.chance(0.35) && left > 5000 ? prng.int(3000, Math.max(3000, left)) : undefined;
    await onUser(prng.pick(idle), (u) => scheduleMeeting(w.ctx, prng, w.model, u, expiresIn).then(() => undefined));
  }
}

/** A bulk reset of the whole static tenant, then its job polled until it ends; the model learns the new IDs. */
async function bulkReset(w: Workers, prng: Prng, atMs: number): Promise<void> {
  await sleep(atMs);
  if (nowMs() >= w.until) return;
  const before = w.model.enabled('static').map((u) => u.currentId).filter((x): x is string => !!x);
  // An admin retries a request the service could not take during an outage.
  let op = await admin(w.ctx, prng, 'bulk-reset', 'POST', `/tenants/${w.model.staticTenantId}/conference-id-resets`, { all: true, sendEmail: false }, { knownIds: before });
  for (let k = 0; k < 20 && op.outcome !== 'ok' && op.outcome !== 'refused' && nowMs() < w.until; k++) {
    await sleep(1000);
    op = await admin(w.ctx, prng, 'bulk-reset', 'POST', `/tenants/${w.model.staticTenantId}/conference-id-resets`, { all: true, sendEmail: false }, { knownIds: before });
  }
  if (op.outcome !== 'ok') return;
  for (const id of before) w.model.inflight.add(id);
  // The final phase waits for every job; this only keeps the harness's view of the IDs fresh.
  const giveUp = w.until + 10_000;
  while (nowMs() < giveUp) {
    await sleep(500);
    const poll = await admin(w.ctx, prng, 'job-poll', 'GET', `/jobs/${op.result.jobId}`, undefined, { jobId: op.result.jobId });
    if (poll.outcome === 'ok' && (poll.result.status === 'succeeded' || poll.result.status === 'failed')) break;
  }
  for (const id of before) w.model.retire(id);
  await refreshStaticUsers(w, prng);
}

/** Reads the static tenant's users back (after a bulk job changed IDs behind the harness's back). */
export async function refreshStaticUsers(w: { ctx: RunContext; model: Model }, prng: Prng): Promise<void> {
  const op = await admin(w.ctx, prng, 'list-users', 'GET', `/tenants/${w.model.staticTenantId}/users?limit=200`);
  if (op.outcome !== 'ok') return;
  for (const item of op.result.items as { id: string; conferenceId: string | null }[]) {
    const u = w.model.users.get(item.id);
    if (u && !u.busy && item.conferenceId) {
      u.currentId = item.conferenceId;
      w.model.seen.add(item.conferenceId);
    }
  }
}

async function caller(w: Workers, prng: Prng): Promise<void> {
  while (nowMs() < w.until) {
    await sleep(prng.exp(w.o.callPauseMs));
    const now = nowMs();
    if (now >= w.until) break;
    const pools: Record<string, string[]> = {
      current: w.model.currentIds(now),
      inflight: [...w.model.inflight],
      recent: w.model.retired.slice(-12),
      retired: w.model.retired,
      expiring: w.model.expiringIds(now, 4000),
    };
    let target = prng.weighted({ current: 30, inflight: 25, recent: 25, retired: 10, random: 5, expiring: 5 });
    if (target !== 'random' && !pools[target]!.length) target = 'current';
    const id = target === 'random' || !pools[target]!.length ? freshLookingId(prng, w.model.seen) : prng.pick(pools[target]!);
    await placeCall(w.ctx, prng, { number: w.model.number, conferenceId: id, target, continueAtLeaderStep: prng.chance(0.4) });
  }
}

/** Runs every worker until `until` (epoch ms); bulk-job polling may run on a little past it. */
export async function runWorkload(ctx: RunContext, prng: Prng, model: Model, until: number, o: WorkloadOptions): Promise<void> {
  const w: Workers = { ctx, model, until, o };
  await Promise.all([
    ...Array.from({ length: o.callers }, (_, k) => caller(w, prng.fork(`caller-${k}`))),
    ...Array.from({ length: o.resetters }, (_, k) => resetter(w, prng.fork(`resetter-${k}`))),
    idSetter(w, prng.fork('setter')),
    lifecycle(w, prng.fork('lifecycle')),
    scheduler(w, prng.fork('scheduler')),
    ...o.bulkResetsAtMs.map((at, k) => bulkReset(w, prng.fork(`bulk-${k}`), at)),
  ]);
}
