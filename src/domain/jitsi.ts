// Jitsi conference names as the mapper receives them and as Jigasi joins them, MUC domains and
// browser origins. Jitsi Meet asks the mapper for `conference=<room>@<muc>` without encoding
// the room (react/features/invite/_utils.ts, getDialInConferenceID), and names rooms to its XMPP
// server in a "backend-safe" form: decoded, NFKC-normalised, lower-cased, then percent-encoded
// (react/features/base/util/uri.ts, getBackendSafeRoomName). The mapper keeps that form, so
// whichever way a client encoded the name, one room has one JID, and the JID put in the SIP
// header is the room Jigasi must join.

/** Longest conference JID kept: the SIP URI Twilio dials (header included) must stay under 255 characters. */
export const MAX_CONFERENCE_LENGTH = 128;

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
// What encodeURIComponent leaves of a lower-cased name, minus the apostrophe XMPP forbids.
const SAFE_ROOM = /^[a-z0-9%._~!*()-]+$/;

/** The room name as Jitsi Meet's getBackendSafeRoomName makes it. */
export function backendSafeRoom(room: string): string {
  let name = room;
  try {
    name = decodeURIComponent(name);
  } catch {
    // not an encoded string after all (a lone '%'): keep it as it is, as Jitsi Meet does
  }
  return encodeURIComponent(name.normalize('NFKC').toLowerCase()).toLowerCase();
}

/** A MUC domain such as conference.meet.example.com, lower-cased; null when it is not a hostname. */
export function mucDomain(value: string): string | null {
  const d = value.trim().toLowerCase().replace(/\.$/, '');
  return HOSTNAME.test(d) ? d : null;
}

export interface Conference {
  /** room@domain, in the backend-safe form. */
  jid: string;
  room: string;
  domain: string;
}

/**
 * Reads `room@muc` as a query parameter carried it (already URL-decoded once). `domains` are the
 * integration's MUC domains (lower case). Returns the conference, or why it is refused.
 */
export function parseConference(value: string, domains: readonly string[]): Conference | { problem: string } {
  if (value.length === 0) return { problem: 'conference is empty; send room@muc-domain' };
  if (value.length > 1024) return { problem: 'conference is too long' };
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return { problem: 'conference must be a JID such as myroom@conference.meet.example.com' };
  const rawRoom = value.slice(0, at);
  if (rawRoom.includes('@') || rawRoom.includes('/')) return { problem: 'conference must be a JID such as myroom@conference.meet.example.com (one @, no resource)' };
  if (/[\u0000-\u001f\u007f]/.test(rawRoom)) return { problem: 'the room name must not contain control characters' };
  const domain = mucDomain(value.slice(at + 1));
  if (!domain) return { problem: 'the part after @ must be a MUC domain such as conference.meet.example.com' };
  if (!domains.includes(domain)) return { problem: `${domain} is not a MUC domain of this integration` };
  const room = backendSafeRoom(rawRoom);
  if (!SAFE_ROOM.test(room)) return { problem: 'the room name holds characters an XMPP room cannot have' };
  const jid = `${room}@${domain}`;
  if (jid.length > MAX_CONFERENCE_LENGTH) return { problem: `the conference name is longer than ${MAX_CONFERENCE_LENGTH} characters once encoded, too long to dial by SIP` };
  return { jid, room, domain };
}

/** A browser origin (scheme://host[:port]) as browsers send it; null when `value` is not one. */
export function browserOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  if (!value.trim().toLowerCase().startsWith(url.origin.toLowerCase())) return null;
  return url.origin;
}
