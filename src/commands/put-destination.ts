// Sets where valid conference IDs lead, for a tenant or for a bridge (its tenants without one of
// their own): Twilio conference rooms, or a SIP endpoint. Passwords are sealed with SECRETS_KEY
// and never returned; a password left out of the request is kept. The tenants it applies to get
// a new version, so their cached call settings are replaced before the change returns (a
// caller is never dialed to the old destination afterwards).
import { randomUUID } from 'node:crypto';
import { sealedFor } from '../domain/sip.js';
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findBridge } from '../store/bridges.js';
import type { Tx } from '../store/db.js';
import { deleteDestination, findDestination, upsertDestination, type DestinationRow, type DestinationScope } from '../store/destinations.js';
import { findTenant, touchTenants } from '../store/tenants.js';
import { tenantSettingsChange } from '../directory/changes.js';

export interface DestinationChange {
  kind: 'twilio' | 'sip';
  uriTemplate?: string;
  roomHeader?: string;
  roleHeader?: string | null;
  /** Left out: kept as it is; null: removed. */
  sipAuth?: { username: string; password: string } | null;
  /** Left out: kept as it is; null: removed. */
  roomPassword?: { header: string; password: string } | null;
}

type Kept = 'set' | 'kept' | 'removed' | 'none';

export async function putDestination(s: Services, actor: Actor, scope: DestinationScope, change: DestinationChange): Promise<DestinationRow> {
  return s.db.transaction(async (tx) => {
    await requireScope(tx, scope);
    const current = await findDestination(tx, scope, { lock: true });
    const id = current?.id ?? randomUUID();
    const sip = change.kind === 'sip';
    const keep = sip && current?.kind === 'sip';
    const auth = !sip ? null : change.sipAuth === undefined ? (keep ? { username: current!.sip_username, sealed: current!.sip_password } : null)
      : change.sipAuth === null ? null : { username: change.sipAuth.username, sealed: s.secrets.seal(change.sipAuth.password, sealedFor('sip-password', id)) };
    const roomPassword = !sip ? null : change.roomPassword === undefined ? (keep ? { header: current!.room_password_header, sealed: current!.room_password } : null)
      : change.roomPassword === null ? null : { header: change.roomPassword.header, sealed: s.secrets.seal(change.roomPassword.password, sealedFor('room-password', id)) };
    const row = await upsertDestination(tx, scope, {
      id,
      kind: change.kind,
      uriTemplate: sip ? change.uriTemplate! : null,
      roomHeader: sip ? change.roomHeader! : null,
      roleHeader: sip ? change.roleHeader ?? null : null,
      sipUsername: auth?.sealed ? auth.username : null,
      sipPassword: auth?.sealed ?? null,
      roomPasswordHeader: roomPassword?.sealed ? roomPassword.header : null,
      roomPassword: roomPassword?.sealed ?? null,
    });
    await restage(s, tx, scope);
    const what = (given: unknown, now: Buffer | null): Kept => (given === undefined ? (now ? 'kept' : 'none') : given === null ? 'removed' : 'set');
    await recordAudit(tx, {
      tenantId: 'tenantId' in scope ? scope.tenantId : null, actor, action: 'destination.updated', target: targetOf(scope),
      details: {
        kind: row.kind, uriTemplate: row.uri_template, roomHeader: row.room_header, roleHeader: row.role_header,
        sipAuth: what(change.sipAuth, row.sip_password), roomPassword: what(change.roomPassword, row.room_password),
      },
    });
    return row;
  });
}

/** Back to the bridge's destination (for a tenant) or to Twilio rooms (for a bridge). Idempotent. */
export async function removeDestination(s: Services, actor: Actor, scope: DestinationScope): Promise<void> {
  await s.db.transaction(async (tx) => {
    await requireScope(tx, scope);
    if (!(await deleteDestination(tx, scope))) return;
    await restage(s, tx, scope);
    await recordAudit(tx, { tenantId: 'tenantId' in scope ? scope.tenantId : null, actor, action: 'destination.removed', target: targetOf(scope) });
  });
}

async function requireScope(tx: Tx, scope: DestinationScope): Promise<void> {
  if ('tenantId' in scope ? !(await findTenant(tx, scope.tenantId, { lock: true })) : !(await findBridge(tx, scope.bridgeId, { lock: true }))) {
    throw notFound('tenantId' in scope ? 'tenant' : 'bridge');
  }
}

/** The tenants the destination applies to get a new version, and their settings go to the cache. */
async function restage(s: Services, tx: Tx, scope: DestinationScope): Promise<void> {
  const touched = await touchTenants(tx, scope);
  s.directory.stage(tx, touched.map((r) => tenantSettingsChange(s.keys, r)));
}

const targetOf = (scope: DestinationScope) => ('tenantId' in scope ? { type: 'tenant', id: scope.tenantId } : { type: 'bridge', id: scope.bridgeId });
