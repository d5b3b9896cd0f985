// SIP URIs for <Dial><Sip>: a destination's template, the room in a header. Twilio sends only
// custom headers whose names start with "X-", taken from the URI's header part
// ("sip:jigasi@pbx.example.com?X-Jitsi-Conference-Room=..."), and dials URIs under 255
// characters. Header values are escaped as RFC 3261 (19.1.1) asks: Twilio unescapes them into
// the INVITE, so Jigasi reads "room@conference.meet.example.com", not "room%40...".

/** Twilio's limit for the URI in <Sip>, header part included. */
export const MAX_SIP_URI_LENGTH = 254;

/** An X- header name Twilio will send. */
export const SIP_HEADER_NAME = /^X-[A-Za-z0-9-]{1,64}$/;

/** Where a template puts the room in the URI itself (e.g. a bridge that routes on the user part). */
export const ROOM_PLACEHOLDER = '{room}';

const TEMPLATE = /^sips?:[^\s<>"?{}]*(\{room\}[^\s<>"?{}]*)?$/;

/** Why a URI template cannot be used, or null. */
export function sipTemplateProblem(template: string): string | null {
  if (!/^sips?:/.test(template)) return 'must start with sip: or sips:';
  if (template.length > 200) return 'must be at most 200 characters';
  if (template.includes('?')) return 'must not carry headers of its own (the room header is added to it)';
  if (!TEMPLATE.test(template)) return 'must be a SIP URI without spaces, quotes or angle brackets, with {room} at most once';
  if (!/^sips?:[^@;]*@?[^@;]+/.test(template)) return 'must name a host, e.g. sip:jigasi@pbx.example.com';
  return null;
}

// RFC 3261: unreserved characters stay; everything else is %-escaped (UTF-8 bytes).
const escapeSip = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The URI to dial: the template with {room} filled in, and each header appended. */
export function sipUri(template: string, room: string, headers: readonly (readonly [string, string])[]): string {
  const base = template.replace(ROOM_PLACEHOLDER, escapeSip(room));
  const query = headers.map(([name, value]) => `${name}=${escapeSip(value)}`).join('&');
  return query ? `${base}?${query}` : base;
}

/** The headers a SIP URI carries, unescaped (what the INVITE holds). */
export function sipHeaders(uri: string): Record<string, string> {
  const q = uri.indexOf('?');
  const out: Record<string, string> = {};
  if (q < 0) return out;
  for (const pair of uri.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq)] = decodeURIComponent(pair.slice(eq + 1));
  }
  return out;
}

/**
 * The associated data a destination's sealed secret is bound to (lib/secret-box.ts): a sealed
 * password cannot be moved to another destination, or from one field to the other, unnoticed.
 */
export const sealedFor = (what: 'sip-password' | 'room-password', destinationId: string) => `${what}:${destinationId}`;
