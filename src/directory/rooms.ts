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
