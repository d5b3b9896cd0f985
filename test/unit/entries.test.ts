import { describe, expect, it } from 'vitest';
import { decodeActiveId, decodeLeaderPin, decodeNumber, decodeRoomName, decodeTenantSettings, encodeActiveId, encodeLeaderPin, encodeNumber, encodeRoomName, encodeTenantSettings, kindOf, pending, retired, versionOf } from '../../src/directory/entries.js';
import { ownerRef, parseOwnerRef, refToUuid, uuidToRef } from '../../src/lib/refs.js';
import { roomName, roomOwner, sipRoomName } from '../../src/directory/rooms.js';

const id = () => crypto.randomUUID();

describe('cache values', () => {
  it('round-trip, and a meeting ID value stays within the 64 bytes of a compact Redis hash', () => {
    const e = { version: 123_456_789_012n, ownerKind: 'meeting' as const, ownerId: id(), tenantId: id(), expiresAt: 2_000_000_000 };
    const v = encodeActiveId(e);
    expect(Buffer.byteLength(v)).toBeLessThanOrEqual(64);
    expect(decodeActiveId(v)).toEqual(e);
    expect(versionOf(v)).toBe(e.version);
    expect(decodeActiveId(retired(5n))).toBeNull();
    expect(kindOf(pending(9n))).toBe('P');
    expect(versionOf(pending(9n))).toBe(9n);

    const t = { version: 7n, allowCallersToStartMeeting: true, entryExitAnnouncements: 'off' as const, destination: null };
    expect(decodeTenantSettings(encodeTenantSettings(t))).toEqual(t);
    const p = { version: 8n, hash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==' };
    expect(decodeLeaderPin(encodeLeaderPin(p))).toEqual(p);
    expect(decodeLeaderPin(encodeLeaderPin({ version: 1n, hash: null }))).toEqual({ version: 1n, hash: null });
    const n = { version: 99n, bridgeId: id(), type: 'toll_free' as const, primaryLanguage: 'en-GB', secondaryLanguages: ['fr-FR', 'de-DE'], speechInput: false };
    expect(decodeNumber(encodeNumber(n))).toEqual(n);
    expect(decodeNumber(encodeNumber({ ...n, speechInput: true }))).toEqual({ ...n, speechInput: true });
    // a value written before speech input existed (no flags field) reads as off, and old readers ignore the flag
    expect(encodeNumber(n)).not.toContain('|s');
    expect(encodeNumber({ ...n, speechInput: true }).split('|').slice(0, 5)).toEqual(encodeNumber(n).split('|'));
  });

  it('tenant settings carry a SIP destination (sealed passwords as they are), and read entries written before destinations', () => {
    const destination = {
      id: id(), uriTemplate: 'sip:{room}@bbb.example.com;transport=tls', roomHeader: 'X-Jitsi-Conference-Room', roleHeader: 'X-Role|x',
      username: 'att"endant', password: 'c2VhbGVk', roomPasswordHeader: null, roomPassword: null,
    };
    const t = { version: 70n, allowCallersToStartMeeting: false, entryExitAnnouncements: 'tones' as const, destination };
    const value = encodeTenantSettings(t);
    expect(decodeTenantSettings(value)).toEqual(t);
    expect(versionOf(value)).toBe(70n);
    // what instances before destinations wrote (and still read: two flags after the version)
    expect(decodeTenantSettings('A1|1o')).toEqual({ version: 1n, allowCallersToStartMeeting: true, entryExitAnnouncements: 'off', destination: null });
    expect(value.slice(1).split('|')[1]).toBe('0t');
    expect(decodeTenantSettings('A1|1o|{not json')).toBeNull();
    expect(decodeTenantSettings('A1|1o|{"u":"sip:x@y"}')).toBeNull();
    const name = { version: 5n, name: 'caf%c3%a9|x@conference.meet.example.com' };
    expect(decodeRoomName(encodeRoomName(name))).toEqual(name);
    expect(decodeRoomName(retired(5n))).toBeNull();
  });

  it('a Jitsi room owns IDs like a user or a meeting; its SIP room name is lower case and stable per owner', () => {
    const r = id();
    expect(parseOwnerRef(ownerRef('room', r))).toEqual({ kind: 'room', id: r });
    const e = { version: 1n, ownerKind: 'room' as const, ownerId: r, tenantId: id(), expiresAt: 2_000_000_000 };
    expect(decodeActiveId(encodeActiveId(e))).toEqual(e);
    expect(Buffer.byteLength(encodeActiveId(e))).toBeLessThanOrEqual(64);
    const u = id();
    expect(sipRoomName('user', u)).toBe(`room-user-${u.replace(/-/g, '')}`);
    expect(sipRoomName('meeting', u)).not.toBe(sipRoomName('user', u));
    expect(sipRoomName('user', u.toUpperCase())).toBe(sipRoomName('user', u));
  });

  it('references and room names are reversible and never contain a conference ID', () => {
    const u = id();
    expect(refToUuid(uuidToRef(u))).toBe(u);
    expect(parseOwnerRef(ownerRef('user', u))).toEqual({ kind: 'user', id: u });
    const room = roomName('user', u);
    expect(roomOwner(room)).toMatchObject({ kind: 'user', id: u });
    expect(room).toBe(`room-u${uuidToRef(u)}`); // derived from the owner only, so no conference ID can appear
    expect(roomOwner('something-else')).toBeNull();
  });
});
