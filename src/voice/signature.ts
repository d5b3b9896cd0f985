// X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, over the full URL Twilio
// requested followed by every POST parameter as name + value, names sorted. The same algorithm
// as twilio.getExpectedTwilioSignature (a unit test holds them together), without its URL
// re-parsing on every request.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Params = Record<string, string | string[]>;

export function expectedSignature(authToken: string, url: string, params: Params): string {
  let data = url; // one update: each call into the HMAC costs more than the concatenation
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    if (typeof value === 'string') data += name + value;
    else for (const v of [...new Set(value)].sort()) data += name + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when `signature` matches `url`. Twilio sometimes signs an https URL with its default
 * port spelled out (or not), so, like twilio.validateRequest, the other spelling is tried too.
 */
export function validSignature(authToken: string, signature: string | undefined, url: string, params: Params): boolean {
  if (!signature) return false;
  if (same(signature, expectedSignature(authToken, url, params))) return true;
  const other = otherPortSpelling(url);
  return other !== null && same(signature, expectedSignature(authToken, other, params));
}

/** "https://h/x" ↔ "https://h:443/x" (and :80 for http); null when the port is not a default. */
export function otherPortSpelling(url: string): string | null {
  const m = /^(https?):\/\/([^/?#@]*@)?(\[[^\]]+\]|[^/?#:]+)(:\d+)?(.*)$/i.exec(url);
  if (!m) return null;
  const [, scheme, userInfo = '', host, port, rest] = m;
  const defaultPort = scheme!.toLowerCase() === 'https' ? ':443' : ':80';
  if (port === undefined) return `${scheme}://${userInfo}${host}${defaultPort}${rest}`;
  if (port === defaultPort) return `${scheme}://${userInfo}${host}${rest}`;
  return null;
}
