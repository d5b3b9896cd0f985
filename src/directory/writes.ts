// Rows read from PostgreSQL (store/) as the cache values they become (entries.ts).
import type { ConferenceIdRow } from '../store/conference-ids.js';
import type { LeaderPinRow } from '../store/leader-pins.js';
import type { NumberRow } from '../store/numbers.js';
import type { TenantSettingsRow } from '../store/tenants.js';
import { ownerRef, uuidToRef } from '../lib/refs.js';
import type { CacheKeys } from '../cache/keys.js';
import type { FieldWrite } from '../cache/store.js';
import type { RoomNameRow } from '../store/jitsi-rooms.js';
import { encodeActiveId, encodeLeaderPin, encodeNumber, encodeRoomName, encodeTenantSettings, gone, retired, type SipDestination } from './entries.js';

export function conferenceIdWrite(keys: CacheKeys, row: ConferenceIdRow): FieldWrite {
  const { key, field } = keys.directoryBucket(row.bridge_id, row.conference_id);
  const version = BigInt(row.version);
  const value = row.state === 'retired'
    ? retired(version)
    : encodeActiveId({
        version,
        ownerKind: row.owner_kind,
        ownerId: row.owner_id,
        tenantId: row.tenant_id,
        expiresAt: row.expires_at ? Math.floor(row.expires_at.getTime() / 1000) : null,
      });
  return { key, field, value };
}

export function tenantSettingsWrite(keys: CacheKeys, row: TenantSettingsRow): FieldWrite {
  return {
    key: keys.tenantSettings(row.bridge_id),
    field: uuidToRef(row.id),
    value: encodeTenantSettings({
      version: BigInt(row.version),
      allowCallersToStartMeeting: row.allow_callers_to_start_meeting,
      entryExitAnnouncements: row.entry_exit_announcements,
      destination: sipDestinationOf(row),
    }),
  };
}

/** The SIP destination of a tenant-settings row; null for Twilio rooms (a 'twilio' row or none). */
export function sipDestinationOf(row: TenantSettingsRow): SipDestination | null {
  if (row.destination_kind !== 'sip' || !row.destination_id || !row.uri_template || !row.room_header) return null;
  return {
    id: row.destination_id,
    uriTemplate: row.uri_template,
    roomHeader: row.room_header,
    roleHeader: row.role_header,
    username: row.sip_username,
    password: row.sip_password ? row.sip_password.toString('base64url') : null,
    roomPasswordHeader: row.room_password_header,
    roomPassword: row.room_password ? row.room_password.toString('base64url') : null,
  };
}

export function roomNameWrite(keys: CacheKeys, row: RoomNameRow): FieldWrite {
  return { key: keys.roomNames(row.bridge_id), field: ownerRef('room', row.id), value: encodeRoomName({ version: BigInt(row.version), name: row.conference }) };
}

export function leaderPinWrite(keys: CacheKeys, row: LeaderPinRow): FieldWrite {
  return {
    key: keys.leaderPins(row.bridge_id),
    field: ownerRef(row.owner_kind, row.owner_id),
    value: encodeLeaderPin({ version: BigInt(row.version), hash: row.leader_pin_hash }),
  };
}

export function numberWrite(keys: CacheKeys, row: NumberRow): FieldWrite {
  return {
    key: keys.numbers,
    field: row.number,
    value: encodeNumber({
      version: BigInt(row.version),
      bridgeId: row.bridge_id,
      type: row.type,
      primaryLanguage: row.primary_language,
      secondaryLanguages: row.secondary_languages,
      speechInput: row.speech_input,
    }),
  };
}

export function numberGoneWrite(keys: CacheKeys, number: string, version: string): FieldWrite {
  return { key: keys.numbers, field: number, value: gone(BigInt(version)) };
}
