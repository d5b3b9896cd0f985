// Database rows → the contract's JSON shapes.
import { AppError } from '../errors.js';
import type { ListedApiKeyRow } from '../store/api-keys.js';
import type { AuditRow } from '../store/audit.js';
import type { BridgeRow } from '../store/bridges.js';
import type { DialInNumberRow } from '../store/numbers.js';
import type { TenantRow } from '../store/tenants.js';
import type { UserRow } from '../store/users.js';
import { userConferenceId, userTollFreeNumber, userTollNumber } from '../store/users.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const presentBridge = (b: BridgeRow) => ({
  id: b.id,
  name: b.name,
  defaultTollNumber: b.default_toll_number,
  defaultTollFreeNumber: b.default_toll_free_number,
  createdAt: iso(b.created_at),
});

export const presentNumber = (n: DialInNumberRow) => ({
  number: n.number,
  bridgeId: n.bridge_id,
  type: n.type,
  primaryLanguage: n.primary_language,
  secondaryLanguages: n.secondary_languages,
  city: n.city,
  country: n.country,
  speechInput: n.speech_input,
});

export const presentTenant = (t: TenantRow) => ({
  id: t.id,
  name: t.name,
  bridgeId: t.bridge_id,
  conferenceIdMode: t.conference_id_mode,
  sendEmailByDefault: t.send_email_by_default,
  pinLength: t.pin_length,
  allowCallersToStartMeeting: t.allow_callers_to_start_meeting,
  entryExitAnnouncements: t.entry_exit_announcements,
  createdAt: iso(t.created_at),
});

export const presentUser = (u: UserRow) => ({
  id: u.id,
  tenantId: u.tenant_id,
  email: u.email,
  displayName: u.display_name,
  provider: u.provider,
  conferenceId: userConferenceId(u),
  conferenceIdUpdatedAt: iso(u.conference_id_updated_at),
  tollNumber: userTollNumber(u),
  tollFreeNumber: userTollFreeNumber(u),
  createdAt: iso(u.created_at),
});

/** A key as listings show it: never the key or its hash; the prefix is its visible part (att_<prefix>_…). */
export const presentApiKey = (k: ListedApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  tenantId: k.tenant_id,
  readOnly: k.read_only,
  createdAt: iso(k.created_at),
  revokedAt: iso(k.revoked_at),
});

export const presentAudit = (e: AuditRow) => ({
  id: e.id,
  at: iso(e.at),
  actor: { apiKeyId: e.actor_key_id, name: e.actor_name },
  action: e.action,
  target: { type: e.target_type, id: e.target_id },
  details: e.details,
});

/** Opaque paging cursors. */
export const encodeCursor = (value: string) => Buffer.from(value, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | undefined, pattern: RegExp): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!pattern.test(value)) throw new AppError('validation_failed', 'cursor: not a cursor this API gave', [{ path: 'cursor', message: 'not a cursor this API gave' }]);
  return value;
}

/**
 * Cursors of name-sorted listings: the last item's sort key (its lowercased name) and id, so a
 * page starts exactly after it whatever was added or removed meanwhile, equal names included.
 */
export const encodeNameCursor = (row: { sort_name: string; id: string }) => encodeCursor(JSON.stringify([row.sort_name, row.id]));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeNameCursor(cursor: string | undefined): { name: string; id: string } | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || value[0].length > 1000
    || value[0].includes('\u0000') || typeof value[1] !== 'string' || !UUID.test(value[1])) {
    throw new AppError('validation_failed', 'cursor: not a cursor this API gave', [{ path: 'cursor', message: 'not a cursor this API gave' }]);
  }
  return { name: value[0], id: value[1] };
}

/** One page of a listing fetched with limit + 1 rows: the items, and the cursor when more follow. */
export function namePage<R extends { sort_name: string; id: string }, T>(rows: R[], limit: number, present: (r: R) => T) {
  const items = rows.slice(0, limit);
  return { items: items.map(present), nextCursor: rows.length > limit ? encodeNameCursor(items[items.length - 1]!) : null };
}
