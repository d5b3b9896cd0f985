// The service accepts exactly the signatures twilio-node's own validator accepts: for every URL
// the service may be configured with and every spelling Twilio may have signed, both answers
// agree (HMAC-SHA1 and HMAC-SHA256). And the settings header switches algorithms only when
// configured to.
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { checkSignature, portSpellings, validSignature, type SignatureSettings } from '../../src/voice/signature.js';

const token = 'the-auth-token-123';
const params = { CallSid: 'CA1', Digits: '1234567', From: '+14155550100', Caller: "a b+c&d=e'", Multi: ['b', 'a'] };

/** URLs the service may check against (PUBLIC_BASE_URL + path + query). */
const CONFIGURED = [
  'https://pbx.example.com/attendant/voice/entry?b=x&l=en-US',
  'https://pbx.example.com:8443/attendant/voice/entry?b=x&l=en-US',
  'https://pbx.example.com:443/voice/incoming',
  'http://pbx.example.com/voice/incoming',
  'http://pbx.example.com:8080/voice/incoming',
  'https://[2001:db8::1]:8443/voice/incoming',
  'https://user:pass@pbx.example.com:8443/voice/incoming',
  "https://pbx.example.com/voice/entry?q=it's",
  'https://PBX.example.com/voice/incoming',
];

/** What Twilio may have signed: each configured URL, respelt. */
function signedVariants(url: string): string[] {
  const [without, withPort] = portSpellings(url);
  return [...new Set([
    url, without, withPort,
    url.replace(':8443', ':9443'), url.replace('pbx.example.com', 'evil.example.com'), url.replace('/voice/', '/other/voice/'),
    url.replace('https://', 'http://'), url.replace("it's", 'it%27s'), url.toLowerCase(), url + '&extra=1', new URL(url).toString(),
  ])];
}

describe('signatures accepted are exactly twilio.validateRequest\'s', () => {
  for (const algorithm of ['HMAC_SHA1', 'HMAC_SHA256'] as const) {
    it(`agree for every configured URL and every spelling signed (${algorithm})`, () => {
      let accepted = 0;
      for (const configured of CONFIGURED) {
        for (const signedOver of signedVariants(configured)) {
          const signature = twilio.getExpectedTwilioSignature(token, signedOver, params as never, algorithm);
          const official = twilio.validateRequest(token, signature, configured, params, algorithm);
          expect(validSignature(token, signature, configured, params, algorithm), `${signedOver} checked against ${configured}`).toBe(official);
          if (official) accepted++;
        }
      }
      expect(accepted).toBeGreaterThan(CONFIGURED.length * 2); // the matrix has both answers
    });
  }

  it('accept the portless spelling of a URL with a port, never another host, path or port', () => {
    const configured = 'https://pbx.example.com:8443/attendant/voice/incoming';
    const sig = (url: string) => twilio.getExpectedTwilioSignature(token, url, params as never);
    expect(validSignature(token, sig('https://pbx.example.com/attendant/voice/incoming'), configured, params)).toBe(true);
    expect(validSignature(token, sig(configured), configured, params)).toBe(true);
    for (const other of ['https://pbx.example.com:9443/attendant/voice/incoming', 'https://evil.example.com/attendant/voice/incoming', 'https://pbx.example.com/voice/incoming', 'https://pbx.example.com/attendant/voice/entry']) {
      expect(validSignature(token, sig(other), configured, params), other).toBe(false);
    }
  });
});

describe('signatures announced by the settings header', () => {
  const url = 'https://pbx.example.com/voice/incoming';
  const secret = 'the-shared-key-secret';
  const sha256 = (key: string) => twilio.getExpectedTwilioSignature(key, url, params as never, 'HMAC_SHA256');
  const sha1 = (key: string) => twilio.getExpectedTwilioSignature(key, url, params as never);
  const settings = (announced: SignatureSettings['announced']): SignatureSettings => ({ authToken: token, settingsHeader: 'x-twilio-webhooks-signature-settings', announced, sharedKeySecret: secret });
  const header = 'key=webhooks_sharedkey_123,algorithm=HMAC_SHA256';

  it('are refused when off (the default): only HMAC-SHA1 with the auth token', () => {
    expect(checkSignature(settings('off'), sha256(secret), header, url, params)).toBe(false);
    expect(checkSignature(settings('off'), sha256(token), header, url, params)).toBe(false);
    expect(checkSignature(settings('off'), sha1(token), header, url, params)).toBe(true);
    expect(checkSignature(settings('off'), sha1(token), undefined, url, params)).toBe(true);
  });

  it('are checked with the shared key secret, by the algorithm named, as twilio.webhook() does', () => {
    const s = settings('shared-key');
    expect(checkSignature(s, sha256(secret), header, url, params)).toBe(true);
    expect(checkSignature(s, sha256(secret), 'algorithm=hmac_sha256', url, params)).toBe(true);
    expect(checkSignature(s, sha256(token), header, url, params)).toBe(false);
    expect(checkSignature(s, sha1(secret), 'key=webhooks_sharedkey_123', url, params)).toBe(true); // no algorithm: HMAC_SHA1
    expect(checkSignature(s, sha256(secret), 'key=k,algorithm=HMAC_SHA512', url, params)).toBe(false);
    expect(checkSignature(s, sha1(token), undefined, url, params)).toBe(true); // unannounced: the auth token, as before
    expect(checkSignature(s, sha256(secret), undefined, url, params)).toBe(false);
  });

  it('are checked with the auth token when so configured', () => {
    const s = settings('auth-token');
    expect(checkSignature(s, sha256(token), header, url, params)).toBe(true);
    expect(checkSignature(s, sha256(secret), header, url, params)).toBe(false);
  });
});
