// Conference JIDs as Jitsi Meet sends them to the mapper, MUC domains and browser origins. The
// client's requests are `${dialInConfCodeUrl}?conference=${room}@${hosts.muc}&url=...` with the
// room not URL-encoded (jitsi-meet react/features/invite/_utils.ts, getDialInConferenceID), and
// its rooms are named as react/features/base/util/uri.ts getBackendSafeRoomName makes them
// (decoded, NFKC, lower case, percent-encoded).
import { describe, expect, it } from 'vitest';
import { backendSafeRoom, browserOrigin, MAX_CONFERENCE_LENGTH, mucDomain, parseConference } from '../../src/domain/jitsi.js';

const DOMAINS = ['conference.meet.example.com'];
/** What the server reads from the client's query string (URLSearchParams decodes it once). */
const received = (room: string, muc = DOMAINS[0]) => new URLSearchParams(`conference=${room}@${muc}`).get('conference')!;

describe('conference JIDs', () => {
  it('one room has one JID however the client encoded its name', () => {
    // Jitsi Meet sends the backend-safe name unencoded; the query decodes it once
    const safe = backendSafeRoom('Café Weekly');
    expect(safe).toBe('caf%c3%a9%20weekly');
    const fromClient = parseConference(received(safe), DOMAINS);
    expect(fromClient).toEqual({ jid: `${safe}@conference.meet.example.com`, room: safe, domain: 'conference.meet.example.com' });
    // a client that encodes the parameter properly, or sends the plain name, gets the same JID
    expect(parseConference(received(encodeURIComponent(`${safe}`)), DOMAINS)).toEqual(fromClient);
    expect(parseConference('Café Weekly@Conference.Meet.Example.com', DOMAINS)).toEqual(fromClient);
    expect(parseConference(received('myroom'), DOMAINS)).toMatchObject({ jid: 'myroom@conference.meet.example.com' });
    // a literal % survives as Jitsi Meet keeps it
    expect(backendSafeRoom('100%')).toBe('100%25');
  });

  it('refuses what is not a room@muc JID of this integration, saying why', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['myroom', /JID/],
      ['@conference.meet.example.com', /JID/],
      ['myroom@', /JID/],
      ['a@b@conference.meet.example.com', /one @/],
      ['room/res@conference.meet.example.com', /no resource/],
      ['room\u0000x@conference.meet.example.com', /control/],
      ['myroom@conference..example.com', /MUC domain/],
      ['myroom@conference.other.example.org', /not a MUC domain of this integration/],
      ["o'brien@conference.meet.example.com", /XMPP/],
      [`${'a'.repeat(MAX_CONFERENCE_LENGTH)}@conference.meet.example.com`, /longer than/],
      ['x'.repeat(2000), /too long/],
    ];
    for (const [value, why] of cases) {
      const r = parseConference(value, DOMAINS);
      expect('problem' in r, value).toBe(true);
      expect((r as { problem: string }).problem, value).toMatch(why);
    }
  });

  it('MUC domains and browser origins are normalised, or refused', () => {
    expect(mucDomain('Conference.Meet.Example.com.')).toBe('conference.meet.example.com');
    for (const bad of ['localhost', 'conference meet', '-x.example.com', 'a..b', 'x'.repeat(300) + '.com', '']) expect(mucDomain(bad), bad).toBeNull();
    expect(browserOrigin('https://Meet.Example.com')).toBe('https://meet.example.com');
    expect(browserOrigin('https://meet.example.com/')).toBe('https://meet.example.com');
    expect(browserOrigin('http://localhost:8443')).toBe('http://localhost:8443');
    for (const bad of ['meet.example.com', 'https://meet.example.com/path', 'https://u:p@meet.example.com', 'ftp://meet.example.com', 'https://meet.example.com?x=1', '*']) {
      expect(browserOrigin(bad), bad).toBeNull();
    }
  });
});
