// Provisioning through the admin API, as an admin would: a bridge with a dial-in number, a
// static-ID tenant (builtin users, some with chosen IDs) and a dynamic-ID tenant on the same
// bridge (users whose meetings each get an ID, some of which expire during the run). Optional
// filler meetings and retired history make the bridge bigger, so that a directory rebuild takes
// long enough for faults and changes to land inside it.
import pg from 'pg';
import { databaseUrl } from '../support/global-setup.js';
import { admin, type RunContext } from './clients.js';
import type { AdminOp } from './history.js';
import { Model, type UserModel } from './model.js';
import type { Prng } from './prng.js';

export interface SetupOptions {
  staticUsers: number;
  /** Of the static users, how many are enabled with a chosen ID. */
  chosenIdUsers: number;
  dynamicUsers: number;
  meetingsPerDynamicUser: number;
  /** Extra meetings of one dynamic organizer that callers never aim at (bridge size). */
  fillerMeetings: number;
  /**
   * Retired, quarantined IDs of that organizer's past meetings, written straight into
   * PostgreSQL: the bridge's history after long use, which the API could only build slowly.
   * Every rebuild reads and writes them too.
   */
  historyIds: number;
}

const DAY_MS = 86_400_000;

async function must(op: Promise<AdminOp>): Promise<any> {
  const o = await op;
  if (o.outcome !== 'ok') throw new Error(`setup: ${o.method} ${o.path} answered ${o.status ?? o.outcome} ${o.code ?? ''} ${o.error ?? ''}`);
  return o.result;
}

/** A random ID that looks free: 7 digits, first not 0, never seen in an answer. */
export function freshLookingId(prng: Prng, seen: Set<string>): string {
  for (;;) {
    const id = String(prng.int(1_000_000, 9_999_999));
    if (!seen.has(id)) return id;
  }
}

export const email = (prng: Prng, tag: string) => `${tag}.${prng.hex(5)}@chaos.example.com`;

/**
 * A meeting's times: upcoming (no expiry during the run), or ended long ago so that its ID
 * expires `expiresInMs` from now. Whole seconds, so that no rounding of the expiry matters.
 */
export function meetingTimes(prng: Prng, expiresInMs?: number): { startsAt: string; endsAt: string } {
  if (expiresInMs === undefined) {
    const start = Math.floor(Date.now() / 1000) * 1000 + prng.int(1, 30) * DAY_MS;
    return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3600_000).toISOString() };
  }
  const end = Math.ceil((Date.now() + expiresInMs) / 1000) * 1000 - 60 * DAY_MS;
  return { startsAt: new Date(end - 3600_000).toISOString(), endsAt: new Date(end).toISOString() };
}

export async function scheduleMeeting(ctx: RunContext, prng: Prng, model: Model, user: UserModel, expiresInMs?: number): Promise<AdminOp> {
  const op = await admin(ctx, prng, 'schedule-meeting', 'POST', `/tenants/${model.dynamicTenantId}/users/${user.id}/meetings`,
    { subject: 'chaos', ...meetingTimes(prng, expiresInMs) }, { userId: user.id });
  if (op.outcome === 'ok') {
    model.addMeeting({ id: op.result.id, organizerId: user.id, conferenceId: op.result.conferenceId, expiresAtMs: op.result.expiresAt ? Date.parse(op.result.expiresAt) : null });
  }
  return op;
}

export async function enableUser(ctx: RunContext, prng: Prng, model: Model, tenant: 'static' | 'dynamic', chosenId?: string): Promise<AdminOp> {
  const tenantId = tenant === 'static' ? model.staticTenantId : model.dynamicTenantId;
  const body = { email: email(prng, tenant), displayName: 'Chaos Organizer', sendEmail: false, ...(chosenId ? { conferenceId: chosenId } : {}) };
  const op = await admin(ctx, prng, 'enable-user', 'POST', `/tenants/${tenantId}/users`, body, { tenant });
  if (op.outcome === 'ok') model.addUser({ id: op.result.id, tenant, currentId: op.result.conferenceId ?? null });
  return op;
}

export async function provision(ctx: RunContext, prng: Prng, o: SetupOptions): Promise<{ model: Model; filler: string | null }> {
  const bridge = await must(admin(ctx, prng, 'setup', 'POST', '/bridges', { name: 'chaos' }));
  const number = `+1415${prng.int(200, 999)}${String(prng.int(0, 9999)).padStart(4, '0')}`;
  await must(admin(ctx, prng, 'setup', 'PUT', `/dial-in-numbers/${encodeURIComponent(number)}`, { bridgeId: bridge.id, type: 'toll', city: 'Springfield', country: 'US' }));
  await must(admin(ctx, prng, 'setup', 'PATCH', `/bridges/${bridge.id}`, { defaultTollNumber: number }));
  const st = await must(admin(ctx, prng, 'setup', 'POST', '/tenants', { name: 'chaos static', bridgeId: bridge.id, sendEmailByDefault: false }));
  const dyn = await must(admin(ctx, prng, 'setup', 'POST', '/tenants', { name: 'chaos dynamic', bridgeId: bridge.id, conferenceIdMode: 'dynamic', sendEmailByDefault: false }));
  const model = new Model(bridge.id, number, st.id, dyn.id);

  for (let k = 0; k < o.staticUsers; k++) {
    await must(enableUser(ctx, prng, model, 'static', k < o.chosenIdUsers ? freshLookingId(prng, model.seen) : undefined));
  }
  for (let k = 0; k < o.dynamicUsers; k++) {
    await must(enableUser(ctx, prng, model, 'dynamic'));
  }
  for (const u of model.enabled('dynamic')) {
    for (let k = 0; k < o.meetingsPerDynamicUser; k++) await must(scheduleMeeting(ctx, prng, model, u));
  }
  let filler: string | null = null;
  if (o.fillerMeetings > 0 || o.historyIds > 0) {
    // Its own organizer, never disabled, whose meetings only make the bridge bigger.
    const f = await must(admin(ctx, prng, 'enable-user', 'POST', `/tenants/${dyn.id}/users`, { email: email(prng, 'filler'), displayName: 'Filler', sendEmail: false }, { tenant: 'dynamic', filler: true }));
    filler = f.id as string;
    let left = o.fillerMeetings;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (left-- > 0) {
        await must(admin(ctx, prng, 'schedule-meeting', 'POST', `/tenants/${dyn.id}/users/${filler}/meetings`, { subject: 'filler', ...meetingTimes(prng) }, { userId: filler, filler: true }));
      }
    }));
    if (o.historyIds > 0) await insertHistory(ctx, prng, bridge.id, dyn.id, filler, o.historyIds);
  }
  return { model, filler };
}

/** `n` retired meeting IDs of `leader` (quarantined for 90 days), with seeded random IDs. */
async function insertHistory(ctx: RunContext, prng: Prng, bridgeId: string, tenantId: string, leader: string, n: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(ctx.deployment.dbName) });
  await client.connect();
  try {
    await client.query('SELECT setseed($1)', [prng.next() * 2 - 1]);
    await client.query(
      `INSERT INTO conference_ids (bridge_id, conference_id, tenant_id, owner_kind, owner_id, leader_user_id, state, expires_at, retired_at, retired_reason, quarantine_until)
       SELECT $1, 1000000 + floor(random() * 9000000)::int, $2, 'meeting', gen_random_uuid(), $3, 'retired', now() - interval '1 day', now() - interval '1 day', 'expired', now() + interval '89 days'
         FROM generate_series(1, $4)
       ON CONFLICT DO NOTHING`,
      [bridgeId, tenantId, leader, n],
    );
  } finally {
    await client.end();
  }
}
