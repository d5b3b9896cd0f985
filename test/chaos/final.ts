// After the faults: heal anything left, let the service settle, then record what PostgreSQL and
// the admin API say (the snapshot and the audit trail) and dial every current ID and the
// retired ones on BOTH instances. The checker judges those calls against the snapshot.
import pg from 'pg';
import { databaseUrl } from '../support/global-setup.js';
import { placeCall } from './calls.js';
import { admin, type RunContext } from './clients.js';
import type { FaultInjector } from './faults.js';
import { nowMs, type AuditRecord, type ConferenceIdRowSnapshot } from './history.js';
import type { Model } from './model.js';
import type { Prng } from './prng.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FinalOptions {
  settleMs: number;
  /** At most this many retired IDs are dialed (a sample, seeded). */
  maxRetired: number;
  /** At most this many filler meeting IDs are dialed. */
  maxFiller: number;
  /** How long to wait for unfinished jobs before the snapshot (a lost claim's lease is 2 minutes). */
  jobWaitMs: number;
}

async function waitReady(ctx: RunContext, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (const i of ctx.deployment.instances) {
    while (Date.now() < end) {
      const ok = await fetch(`${i.base}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ok) break;
      await sleep(250);
    }
  }
}

async function readConferenceIds(ctx: RunContext, bridgeId: string): Promise<ConferenceIdRowSnapshot[]> {
  // Straight from PostgreSQL (not through an instance's proxy): the truth the checker compares with.
  const client = new pg.Client({ connectionString: databaseUrl(ctx.deployment.dbName) });
  await client.connect();
  try {
    const { rows } = await client.query<{ conference_id: number; state: 'active' | 'retired'; owner_kind: string; owner_id: string; expires_at: Date | null; retired_reason: string | null }>(
      'SELECT conference_id, state, owner_kind, owner_id, expires_at, retired_reason FROM conference_ids WHERE bridge_id = $1', [bridgeId]);
    return rows.map((r) => ({
      conferenceId: String(r.conference_id), state: r.state, ownerKind: r.owner_kind, ownerId: r.owner_id,
      expiresAtMs: r.expires_at ? r.expires_at.getTime() : null, retiredReason: r.retired_reason,
    }));
  } finally {
    await client.end();
  }
}

/** Every page of a listing (users, audit events); throws if a page cannot be read. */
async function allPages<T>(ctx: RunContext, prng: Prng, action: 'list-users' | 'audit-page', path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const url = `${path}${path.includes('?') ? '&' : '?'}limit=500${cursor ? `&cursor=${cursor}` : ''}`;
    let op = await admin(ctx, prng, action, 'GET', url);
    for (let k = 0; k < 5 && op.outcome !== 'ok'; k++) {
      await sleep(1000);
      op = await admin(ctx, prng, action, 'GET', url);
    }
    if (op.outcome !== 'ok') throw new Error(`${path}: ${op.status ?? op.outcome} after the faults healed`);
    items.push(...op.result.items);
    cursor = op.result.nextCursor;
  } while (cursor);
  return items;
}

function sample<T>(prng: Prng, items: T[], n: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/**
 * Waits until no job of the run's tenants is queued or running (a job whose worker lost its
 * claim comes back when its lease runs out, 2 minutes). The last listing is in the history: the
 * checker reports a job still unfinished then.
 */
async function waitForJobs(ctx: RunContext, prng: Prng, model: Model, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    let busy = false;
    for (const tenantId of [model.staticTenantId, model.dynamicTenantId]) {
      const op = await admin(ctx, prng, 'list-jobs', 'GET', `/tenants/${tenantId}/jobs?limit=100`);
      busy ||= op.outcome !== 'ok' || (op.result.items as { status: string }[]).some((j) => j.status === 'queued' || j.status === 'running');
    }
    if (!busy || Date.now() > end) return;
    await sleep(2000);
  }
}

export async function finalPhase(ctx: RunContext, prng: Prng, model: Model, filler: string | null, injector: FaultInjector, o: FinalOptions): Promise<void> {
  ctx.phase = 'final';
  await injector.healAll();
  await waitReady(ctx);
  await sleep(o.settleMs);
  await waitForJobs(ctx, prng, model, o.jobWaitMs);

  const conferenceIds = await readConferenceIds(ctx, model.bridgeId);
  const users = await allPages<{ id: string; conferenceId: string | null }>(ctx, prng, 'list-users', `/tenants/${model.staticTenantId}/users`);
  const apiMeetings: { meetingId: string; conferenceId: string; expiresAtMs: number | null }[] = [];
  for (const u of model.users.values()) {
    if (!u.enabled || u.tenant !== 'dynamic') continue;
    for (const m of u.meetings) {
      const op = await admin(ctx, prng, 'get-meeting', 'GET', `/tenants/${model.dynamicTenantId}/users/${u.id}/meetings/${m.id}`);
      if (op.outcome === 'ok') apiMeetings.push({ meetingId: m.id, conferenceId: op.result.conferenceId, expiresAtMs: op.result.expiresAt ? Date.parse(op.result.expiresAt) : null });
    }
  }
  for (const tenantId of [model.staticTenantId, model.dynamicTenantId]) {
    const events = await allPages<{ at: string; action: string; target: { id: string }; details: Record<string, unknown> }>(ctx, prng, 'audit-page', `/tenants/${tenantId}/audit-events`);
    const record: Omit<AuditRecord, 'id'> = { type: 'audit', tenantId, events: events.map((e) => ({ at: e.at, action: e.action, targetId: e.target.id, details: e.details })) };
    ctx.history.add(record);
  }
  ctx.history.add({ type: 'snapshot', atMs: nowMs(), bridgeId: model.bridgeId, conferenceIds, apiUsers: users.map((u) => ({ userId: u.id, conferenceId: u.conferenceId })), apiMeetings });

  // What to dial: every current and refused ID the workload touched (capped), and a sample of
  // the filler's (meetings and history), which callers never aimed at.
  const now = Date.now();
  const known = new Set([...model.users.values()].flatMap((u) => u.meetings.map((m) => m.id)));
  const isFiller = (r: ConferenceIdRowSnapshot) => filler !== null && r.ownerKind === 'meeting' && !known.has(r.ownerId);
  const isActive = (r: ConferenceIdRowSnapshot) => r.state === 'active' && (r.expiresAtMs === null || r.expiresAtMs > now + 60_000);
  const isRefused = (r: ConferenceIdRowSnapshot) => r.state === 'retired' || (r.expiresAtMs !== null && r.expiresAtMs <= now);
  const ids = (rows: ConferenceIdRowSnapshot[]) => rows.map((r) => r.conferenceId);
  const current = [...ids(conferenceIds.filter((r) => isActive(r) && !isFiller(r))), ...sample(prng, ids(conferenceIds.filter((r) => isActive(r) && isFiller(r))), o.maxFiller)];
  const retired = [
    ...sample(prng, [...new Set([...ids(conferenceIds.filter((r) => isRefused(r) && !isFiller(r))), ...model.retired])], o.maxRetired),
    ...sample(prng, ids(conferenceIds.filter((r) => isRefused(r) && isFiller(r))), o.maxFiller),
  ];
  const plans = [
    ...current.map((id) => ({ id, target: 'final-current' })),
    ...retired.map((id) => ({ id, target: 'final-retired' })),
  ];
  for (const instance of ctx.deployment.instances) {
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async (_, k) => {
      const p = prng.fork(`final-${instance.name}-${k}`);
      while (next < plans.length) {
        const plan = plans[next++]!;
        await placeCall(ctx, p, { number: model.number, conferenceId: plan.id, target: plan.target, pinned: instance });
      }
    }));
  }
}
