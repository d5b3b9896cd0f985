// Conference room names: stable per owner (a user, or a meeting with its own ID) across ID
// resets, and never containing the conference ID.
import { ownerRef, parseOwnerRef, type OwnerKind } from '../lib/refs.js';

const PREFIX = 'room-';

export function roomName(ownerKind: OwnerKind, ownerId: string): string {
  return PREFIX + ownerRef(ownerKind, ownerId);
}

export function roomOwner(room: string): { kind: OwnerKind; id: string; ref: string } | null {
  if (!room.startsWith(PREFIX)) return null;
  const ref = room.slice(PREFIX.length);
  const owner = parseOwnerRef(ref);
  return owner ? { ...owner, ref } : null;
}

/**
 * The name a SIP destination is given for a user's or meeting's ID (a Jitsi room's ID carries
 * its own JID instead): stable per owner, lower case (room names are case-insensitive there),
 * and never containing the conference ID.
 */
export function sipRoomName(ownerKind: OwnerKind, ownerId: string): string {
  return `${PREFIX}${ownerKind}-${ownerId.replace(/-/g, '').toLowerCase()}`;
}
