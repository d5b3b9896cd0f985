// X-Twilio-Signature: base64 HMAC, keyed with the auth token (or a SharedKey secret), over the
// full URL Twilio requested followed by every POST parameter as name + value, names sorted. The
// same algorithm as twilio.getExpectedTwilioSignature, and the same URLs accepted as
// twilio.validateRequest (test/unit/signature.test.ts holds them together): first the URL as
// received without its port and with it (Twilio has signed both spellings, and strips a
// non-default port on some requests), then the official validator itself for the rare rest.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import twilio from 'twilio';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { AddressLimiter } from '../http/address-limiter.js';
import { clientAddress } from '../http/client-address.js';
import { loggableCaller, type Logger } from '../logging.js';

export type Params = Record<string, string | string[]>;

export type SignatureAlgorithm = 'HMAC_SHA1' | 'HMAC_SHA256';
const HASH: Record<SignatureAlgorithm, string> = { HMAC_SHA1: 'sha1', HMAC_SHA256: 'sha256' };

export function expectedSignature(key: string, url: string, params: Params, algorithm: SignatureAlgorithm = 'HMAC_SHA1'): string {
  let data = url; // one update: each call into the HMAC costs more than the concatenation
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    if (typeof value === 'string') data += name + value;
    else for (const v of [...new Set(value)].sort()) data += name + v;
  }
  return createHmac(HASH[algorithm], key).update(data, 'utf8').digest('base64');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when `signature` is Twilio's for `url` (or a spelling of it the official validator accepts). */
export function validSignature(key: string, signature: string | undefined, url: string, params: Params, algorithm: SignatureAlgorithm = 'HMAC_SHA1'): boolean {
  if (!signature) return false;
  for (const candidate of portSpellings(url)) if (same(signature, expectedSignature(key, candidate, params, algorithm))) return true;
  try {
    return twilio.validateRequest(key, signature, url, params, algorithm);
  } catch {
    return false; // a URL `new URL()` cannot read
  }
}

/**
 * twilio-node's first two candidates: the URL without any port, and with its port (the scheme's
 * default added when it has none). So "https://h:8443/x" is also accepted as "https://h/x",
 * never as another host, path or port.
 */
export function portSpellings(url: string): [string, string] {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!m) return [url, url];
  const [prefix, scheme, authority] = m as unknown as [string, string, string];
  const at = authority.lastIndexOf('@');
  const userInfo = authority.slice(0, at + 1);
  const hostAndPort = authority.slice(at + 1);
  const colon = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1); // after an IPv6 literal
  const host = colon < 0 ? hostAndPort : hostAndPort.slice(0, colon);
  const rest = url.slice(prefix.length);
  const withoutPort = scheme + userInfo + host + rest;
  const withPort = colon < 0 ? scheme + userInfo + host + (scheme.toLowerCase() === 'https://' ? ':443' : ':80') + rest : url;
  return [withoutPort, withPort];
}

/** How webhooks announcing another algorithm (Twilio's SharedKey signatures) are checked. */
export interface SignatureSettings {
  authToken: string;
  /** The header naming the algorithm, lower case (X-Twilio-Webhooks-Signature-Settings). */
  settingsHeader: string;
  /** off: only HMAC-SHA1 with the auth token; otherwise the key announced signatures are checked with. */
  announced: 'off' | 'auth-token' | 'shared-key';
  sharedKeySecret: string | undefined;
}

/**
 * The check of one request, as twilio.webhook() makes it: without the settings header, HMAC-SHA1
 * with the auth token; with it (when enabled), the algorithm the header names (HMAC_SHA1 or
 * HMAC_SHA256, read by twilio.getSignatureAlgorithm), with the configured key. Anything else,
 * an unknown algorithm included, is refused.
 */
export function checkSignature(settings: SignatureSettings, signature: string | undefined, announcement: string | undefined, url: string, params: Params): boolean {
  if (settings.announced === 'off' || !announcement) return validSignature(settings.authToken, signature, url, params);
  const algorithm = twilio.getSignatureAlgorithm(announcement).toUpperCase();
  if (algorithm !== 'HMAC_SHA1' && algorithm !== 'HMAC_SHA256') return false;
  const key = settings.announced === 'shared-key' ? settings.sharedKeySecret : settings.authToken;
  return key !== undefined && validSignature(key, signature, url, params, algorithm);
}

/**
 * The answer to an unsigned (or wrongly signed) webhook: 403, logged. Past
 * VOICE_UNSIGNED_LIMIT_PER_MIN from one client address, 429 with Retry-After, and one log line a
 * minute for that address instead of one per request. Called only once the signature failed (an
 * HMAC is cheap), so Twilio's own requests are never refused by this, even from an address an
 * attacker shares.
 */
export function unsignedRefusals(config: Pick<Config, 'voiceUnsignedLimitPerMin' | 'trustProxyHops'>, log: Logger) {
  const limiter = new AddressLimiter(config.voiceUnsignedLimitPerMin, 60_000);
  return (req: IncomingMessage, path: string, callSid: string, from: string): AppError => {
    const address = clientAddress(req, config.trustProxyHops);
    const n = limiter.hit(address);
    if (n > limiter.limit) {
      if (n === limiter.limit + 1) log.warn({ address, limit: limiter.limit }, 'unsigned voice webhooks from one address over the limit: answering 429, logging no more of them this minute');
      const retryAfter = String(limiter.retryAfterS());
      return new AppError('rate_limited', `too many unsigned webhooks; retry in ${retryAfter} s`, undefined, { 'Retry-After': retryAfter });
    }
    log.warn({ path, callSid: callSid || undefined, caller: loggableCaller(from), address }, 'voice webhook refused: signature does not match PUBLIC_BASE_URL + path + query');
    return new AppError('forbidden', 'the request is not signed by Twilio for this URL');
  };
}
