// Database rows → the contract's JSON shapes.
import { AppError } from '../errors.js';
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
