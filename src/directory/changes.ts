// How a committed change reaches the cache. Each change names a cached field, the value to
// write before COMMIT (or null) and the value to write after it.
//
// Before COMMIT, every field whose cached answer was positive (an active ID, a PIN hash, a
// number's bridge, tenant settings) is overwritten with a non-positive value carrying the
// change's new version ('R', 'P' or 'X'). If that write fails the transaction rolls back and the
// admin gets 503: a change that retires something never returns 2xx while a cache could still
// answer yes. After COMMIT the final value is written (best effort: a reader that finds a
// non-positive value asks PostgreSQL and fills the cache itself).
import type { CacheKeys } from '../cache/keys.js';
import type { FieldWrite } from '../cache/store.js';
import { gone, pending } from './entries.js';
import type { ConferenceIdRow } from '../store/conference-ids.js';
import type { LeaderPinRow } from '../store/leader-pins.js';
import type { NumberRow } from '../store/numbers.js';
import type { TenantSettingsRow } from '../store/tenants.js';
import type { RoomNameRow } from '../store/jitsi-rooms.js';
import { conferenceIdWrite, leaderPinWrite, numberGoneWrite, numberWrite, roomNameWrite, tenantSettingsWrite } from './writes.js';

export interface CacheChange {
  key: string;
  field: string;
  before: string | null;
  after: string;
}

const change = (w: FieldWrite, before: string | null): CacheChange => ({ key: w.key, field: w.field, before, after: w.value });

/** A conference-ID row after the change. `wasActive`: callers could join with it before. */
export function conferenceIdChange(keys: CacheKeys, row: ConferenceIdRow, wasActive: boolean): CacheChange {
  const w = conferenceIdWrite(keys, row);
  return change(w, wasActive ? (row.state === 'retired' ? w.value : pending(BigInt(row.version))) : null);
}

export function tenantSettingsChange(keys: CacheKeys, row: TenantSettingsRow): CacheChange {
  return change(tenantSettingsWrite(keys, row), pending(BigInt(row.version)));
}

/** A leader's PIN as cached for one owner (the user, or a meeting the user leads). */
export function leaderPinChange(keys: CacheKeys, row: LeaderPinRow, existed: boolean): CacheChange {
  return change(leaderPinWrite(keys, row), existed ? pending(BigInt(row.version)) : null);
}

export function numberChange(keys: CacheKeys, row: NumberRow, existed: boolean): CacheChange {
  return change(numberWrite(keys, row), existed ? pending(BigInt(row.version)) : null);
}

export function numberRemoval(keys: CacheKeys, number: string, version: string): CacheChange {
  const w = numberGoneWrite(keys, number, version);
  return change(w, gone(BigInt(version)));
}

/** A Jitsi room's name: never changes, so only ever written after COMMIT. */
export function roomNameChange(keys: CacheKeys, row: RoomNameRow): CacheChange {
  return change(roomNameWrite(keys, row), null);
}
