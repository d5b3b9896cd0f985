// The values cached in Redis. Every value starts with a kind letter and a base-36 version:
//   A<ver>|...  a positive answer that callers may act on
//   R<ver>      a retired conference ID
//   P<ver>      pending: a change to this key is being committed; ask PostgreSQL
//   X<ver>      gone (a deleted number)
// The versions come from PostgreSQL's directory_version sequence and only grow, so the
// compare-and-set in scripts.ts can refuse a stale write. Only 'A' values are ever acted on
// without asking PostgreSQL (see directory.ts for why that keeps a reset effective at once).
// Conference-ID values stay under 64 bytes so Redis keeps the buckets as compact listpacks.
import { ownerRef, parseOwnerRef, refToUuid, uuidToRef, type OwnerKind } from '../lib/refs.js';

export type Version = bigint;

const v36 = (v: Version) => v.toString(36);
const parseV36 = (s: string): Version => {
  let n = 0n;
  for (const ch of s) n = n * 36n + BigInt(parseInt(ch, 36));
  return n;
};

export function versionOf(value: string): Version {
  const end = value.indexOf('|');
  return parseV36(value.slice(1, end < 0 ? undefined : end));
}

export const kindOf = (value: string) => value[0] as 'A' | 'R' | 'P' | 'X';
export const pending = (version: Version) => `P${v36(version)}`;
export const retired = (version: Version) => `R${v36(version)}`;
export const gone = (version: Version) => `X${v36(version)}`;

// ---- conference IDs -------------------------------------------------------------------------

export interface ActiveIdEntry {
  version: Version;
  ownerKind: OwnerKind;
  ownerId: string;
  tenantId: string;
  /** Epoch seconds after which the ID no longer admits callers (dynamic meetings). */
  expiresAt: number | null;
}

export function encodeActiveId(e: ActiveIdEntry): string {
  return `A${v36(e.version)}|${ownerRef(e.ownerKind, e.ownerId)}|${uuidToRef(e.tenantId)}|${e.expiresAt === null ? '' : e.expiresAt.toString(36)}`;
}

export function decodeActiveId(value: string): ActiveIdEntry | null {
  if (kindOf(value) !== 'A') return null;
  const [ver, owner, tenant, exp] = value.slice(1).split('|');
  const parsedOwner = owner ? parseOwnerRef(owner) : null;
  if (!ver || !parsedOwner || !tenant) return null;
  return {
    version: parseV36(ver),
    ownerKind: parsedOwner.kind,
    ownerId: parsedOwner.id,
    tenantId: refToUuid(tenant),
    expiresAt: exp ? parseInt(exp, 36) : null,
  };
}

// ---- tenant call settings ---------------------------------------------------------------------

/**
 * A SIP meeting destination as the caller path needs it. Passwords stay sealed with SECRETS_KEY
 * (base64url of lib/secret-box.ts's layout, bound to the destination's id: domain/sip.ts
 * sealedFor): the cache never holds them in clear, and the voice step opens them only to write
 * the <Sip> attributes.
 */
export interface SipDestination {
  id: string;
  uriTemplate: string;
  roomHeader: string;
  roleHeader: string | null;
  username: string | null;
  password: string | null;
  roomPasswordHeader: string | null;
  roomPassword: string | null;
}

export interface TenantCallSettings {
  version: Version;
  allowCallersToStartMeeting: boolean;
  entryExitAnnouncements: 'tones' | 'off';
  /** Where valid IDs lead: a SIP endpoint, or null for Twilio conference rooms. */
  destination: SipDestination | null;
}

// A SIP destination follows the flags as compact JSON: `A<ver>|<flags>|{"i":...}`. An entry
// without it (Twilio rooms) is what instances before destinations wrote and read.
type DestinationJson = { i: string; u: string; h: string; r?: string; n?: string; p?: string; q?: string; s?: string };

export function encodeTenantSettings(s: TenantCallSettings): string {
  const flags = `A${v36(s.version)}|${s.allowCallersToStartMeeting ? '1' : '0'}${s.entryExitAnnouncements === 'tones' ? 't' : 'o'}`;
  const d = s.destination;
  if (!d) return flags;
  const json: DestinationJson = { i: d.id, u: d.uriTemplate, h: d.roomHeader };
  if (d.roleHeader) json.r = d.roleHeader;
  if (d.username) json.n = d.username;
  if (d.password) json.p = d.password;
  if (d.roomPasswordHeader) json.q = d.roomPasswordHeader;
  if (d.roomPassword) json.s = d.roomPassword;
  return `${flags}|${JSON.stringify(json)}`;
}

export function decodeTenantSettings(value: string): TenantCallSettings | null {
  if (kindOf(value) !== 'A') return null;
  const first = value.indexOf('|');
  const second = value.indexOf('|', first + 1);
  const ver = value.slice(1, first);
  const flags = value.slice(first + 1, second < 0 ? undefined : second);
  if (first < 0 || !ver || flags.length !== 2) return null;
  let destination: SipDestination | null = null;
  if (second >= 0) {
    try {
      const j = JSON.parse(value.slice(second + 1)) as DestinationJson;
      if (typeof j.i !== 'string' || typeof j.u !== 'string' || typeof j.h !== 'string') return null;
      destination = {
        id: j.i, uriTemplate: j.u, roomHeader: j.h, roleHeader: j.r ?? null, username: j.n ?? null,
        password: j.p ?? null, roomPasswordHeader: j.q ?? null, roomPassword: j.s ?? null,
      };
    } catch {
      return null;
    }
  }
  return { version: parseV36(ver), allowCallersToStartMeeting: flags[0] === '1', entryExitAnnouncements: flags[1] === 't' ? 'tones' : 'off', destination };
}

// ---- Jitsi room names -------------------------------------------------------------------------

/** The name of a mapper room (its conference JID): what the SIP header carries for its ID. */
export interface RoomNameEntry {
  version: Version;
  name: string;
}

export const encodeRoomName = (e: RoomNameEntry) => `A${v36(e.version)}|${e.name}`;

export function decodeRoomName(value: string): RoomNameEntry | null {
  if (kindOf(value) !== 'A') return null;
  const bar = value.indexOf('|');
  if (bar < 0 || bar === value.length - 1) return null;
  return { version: parseV36(value.slice(1, bar)), name: value.slice(bar + 1) };
}

// ---- leader PIN hashes ----------------------------------------------------------------------

export interface LeaderPinEntry {
  version: Version;
  /** The leader's PIN hash (users.leader_pin_hash); null when the leader has no PIN. */
  hash: string | null;
}

export const encodeLeaderPin = (e: LeaderPinEntry) => `A${v36(e.version)}|${e.hash ?? ''}`;

export function decodeLeaderPin(value: string): LeaderPinEntry | null {
  if (kindOf(value) !== 'A') return null;
  const bar = value.indexOf('|');
  if (bar < 0) return null;
  return { version: parseV36(value.slice(1, bar)), hash: value.slice(bar + 1) || null };
}

// ---- dial-in numbers --------------------------------------------------------------------------

export interface NumberEntry {
  version: Version;
  bridgeId: string;
  type: 'toll' | 'toll_free';
  primaryLanguage: string;
  secondaryLanguages: string[];
  /** Spoken entry offered; a value written before it existed reads as false. */
  speechInput: boolean;
}

export function encodeNumber(n: NumberEntry): string {
  return `A${v36(n.version)}|${uuidToRef(n.bridgeId)}|${n.type === 'toll' ? 't' : 'f'}|${n.primaryLanguage}|${n.secondaryLanguages.join(',')}${n.speechInput ? '|s' : ''}`;
}

export function decodeNumber(value: string): NumberEntry | null {
  if (kindOf(value) !== 'A') return null;
  const [ver, bridge, type, primary, secondary, flags = ''] = value.slice(1).split('|');
  if (!ver || !bridge || !type || !primary || secondary === undefined) return null;
  return {
    version: parseV36(ver),
    bridgeId: refToUuid(bridge),
    type: type === 't' ? 'toll' : 'toll_free',
    primaryLanguage: primary,
    secondaryLanguages: secondary ? secondary.split(',') : [],
    speechInput: flags.includes('s'),
  };
}
