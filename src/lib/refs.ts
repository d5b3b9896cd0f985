// Compact references for cache keys and entries: a UUID as 22 base64url characters.

// The same few bridges and owners are converted on every call's webhooks: remember them.
const refs = new Map<string, string>();
const MAX_REMEMBERED = 10_000;

export function uuidToRef(uuid: string): string {
  let ref = refs.get(uuid);
  if (ref === undefined) {
    ref = Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
    if (refs.size >= MAX_REMEMBERED) refs.clear();
    refs.set(uuid, ref);
  }
  return ref;
}

export function refToUuid(ref: string): string {
  const hex = Buffer.from(ref, 'base64url').toString('hex');
  if (hex.length !== 32) throw new Error(`not a reference: ${ref}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Who owns a conference ID: a user, a meeting with an ID of its own, or a Jitsi room (the mapper's). */
export type OwnerKind = 'user' | 'meeting' | 'room';

const KIND_LETTER: Record<OwnerKind, string> = { user: 'u', meeting: 'm', room: 'r' };
const LETTER_KIND: Record<string, OwnerKind> = { u: 'user', m: 'meeting', r: 'room' };

/** An owner of a conference ID (and of its room): 'u', 'm' or 'r' followed by the UUID's ref. */
export function ownerRef(kind: OwnerKind, id: string): string {
  return KIND_LETTER[kind] + uuidToRef(id);
}

export function parseOwnerRef(ref: string): { kind: OwnerKind; id: string } | null {
  const kind = LETTER_KIND[ref[0] ?? ''] ?? null;
  if (!kind || ref.length !== 23) return null;
  try {
    return { kind, id: refToUuid(ref.slice(1)) };
  } catch {
    return null;
  }
}
