// SIP URIs for <Dial><Sip> (Twilio's TwiML: the URI, under 255 characters, with custom headers
// as URI headers, X- names only; node_modules/twilio/lib/twiml/VoiceResponse.d.ts names the
// <Sip> attributes username and password and <Dial>'s action, method and timeout).
import { describe, expect, it } from 'vitest';
import { sipHeaders, sipTemplateProblem, sipUri, SIP_HEADER_NAME } from '../../src/domain/sip.js';
import { parseTwiml } from '../../src/simulator/index.js';
import { dialSip, response } from '../../src/voice/twiml.js';

describe('SIP URIs', () => {
  it('carry the room in an escaped header that reads back exactly, and fill {room} in the user part', () => {
    const room = 'caf%c3%a9 & co@conference.meet.example.com';
    const uri = sipUri('sip:jigasi@pbx.example.com;transport=tls', room, [['X-Jitsi-Conference-Room', room], ['X-Role', 'leader']]);
    expect(uri).toBe('sip:jigasi@pbx.example.com;transport=tls?X-Jitsi-Conference-Room=caf%25c3%25a9%20%26%20co%40conference.meet.example.com&X-Role=leader');
    expect(sipHeaders(uri)).toEqual({ 'X-Jitsi-Conference-Room': room, 'X-Role': 'leader' });
    expect(sipUri('sip:{room}@bbb.example.com', 'room-user-0a1b', [])).toBe('sip:room-user-0a1b@bbb.example.com');
    expect(sipUri('sip:{room}@bbb.example.com', "a'b(c)", [])).toBe('sip:a%27b%28c%29@bbb.example.com');
  });

  it('templates: a SIP URI without headers of its own, {room} at most once', () => {
    for (const ok of ['sip:jigasi@pbx.example.com;transport=tls', 'sips:pbx.example.com', 'sip:{room}@bbb.example.com:5060']) expect(sipTemplateProblem(ok), ok).toBeNull();
    const bad: [string, RegExp][] = [
      ['http://pbx.example.com', /sip:/], ['sip:', /host/], ['sip:a@b?X-Foo=1', /headers/], ['sip:a b@c', /spaces/],
      ['sip:{room}{room}@x', /at most once/], ['sip:<a>@b', /angle/], ['sip:' + 'a'.repeat(200), /200/],
    ];
    for (const [t, why] of bad) expect(sipTemplateProblem(t), t).toMatch(why);
    expect(SIP_HEADER_NAME.test('X-Jitsi-Conference-Room')).toBe(true);
    for (const h of ['Jitsi-Conference-Room', 'X-', 'X-a b', 'X-a:b']) expect(SIP_HEADER_NAME.test(h), h).toBe(false);
  });

  it('<Dial action><Sip> is well-formed TwiML with the attributes escaped', () => {
    const doc = response(dialSip('sip:j@x?X-R=a%40b', { action: 'https://a.example.com/voice/dial-ended?b=x&l=en-US', method: 'POST', timeout: 30 }, { username: 'u"1', password: 'p<&>' }));
    const dial = parseTwiml(doc).children[0]!;
    expect(dial.name).toBe('Dial');
    expect(dial.attrs).toEqual({ action: 'https://a.example.com/voice/dial-ended?b=x&l=en-US', method: 'POST', timeout: '30' });
    expect(dial.children[0]).toMatchObject({ name: 'Sip', text: 'sip:j@x?X-R=a%40b', attrs: { username: 'u"1', password: 'p<&>' } });
  });
});
