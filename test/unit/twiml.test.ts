import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { parseTwiml, parseXml } from '../../src/simulator/twiml-reader.js';
import { dialConference, element, escapeXml, gather, hangup, response, say, text } from '../../src/voice/twiml.js';

describe('TwiML builder', () => {
  it('escapes text and attribute values', () => {
    expect(escapeXml(`a & b < c > d "e" 'f'`)).toBe('a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;');
    const doc = response(say('Tom & Jerry <3 "quotes"', { language: 'en-US', voice: 'Polly."x"&' }));
    expect(doc).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US" voice="Polly.&quot;x&quot;&amp;">Tom &amp; Jerry &lt;3 &quot;quotes&quot;</Say></Response>');
  });

  it('escapes & in action URLs, which Twilio reads back as the URL we meant', () => {
    const url = 'https://h.example/attendant/voice/entry?b=abc&l=en-US&f=0';
    const doc = response(gather({ action: url, finishOnKey: '#', actionOnEmptyResult: true }, say('x')));
    expect(doc).toContain('action="https://h.example/attendant/voice/entry?b=abc&amp;l=en-US&amp;f=0"');
    expect(parseTwiml(doc).children[0]!.attrs.action).toBe(url);
  });

  it('drops characters XML 1.0 cannot carry, keeps the rest of Unicode', () => {
    expect(escapeXml('a\u0000b\u0007c\u001Fd')).toBe('abcd');
    expect(escapeXml('tab\tnewline\n')).toBe('tab\tnewline\n');
    expect(escapeXml('Grüße 😀 ünd ß')).toBe('Grüße 😀 ünd ß');
    expect(escapeXml('lone \uD800 high, lone \uDC00 low')).toBe('lone  high, lone  low');
  });

  it('omits undefined attributes and writes booleans and numbers as Twilio expects', () => {
    const xml = dialConference('room-x', { startConferenceOnEnter: false, beep: true, maxParticipants: 250, waitUrl: undefined });
    expect(xml).toBe('<Dial><Conference startConferenceOnEnter="false" beep="true" maxParticipants="250">room-x</Conference></Dial>');
    expect(response()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(response(hangup())).toContain('<Hangup/>');
  });

  it('refuses element and attribute names that are not XML names', () => {
    expect(() => element('Say x', {})).toThrow();
    expect(() => element('Say', { 'bad name': 'v' })).toThrow();
    expect(() => element('Say', { 'a"b': 'v' })).toThrow();
  });

  it('round-trips any text and attribute value through a strict XML parser', () => {
    const representable = (v: string) => v.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (content, attr) => {
      const node = parseXml(response(say(content, { language: attr }))).children[0]!;
      expect(node.attrs.language).toBe(representable(attr));
      expect(node.text).toBe(representable(content).trim());
    }), { numRuns: 500 });
  });

  it('keeps tabs and line breaks in attribute values as references', () => {
    expect(element('Play', { loop: 'a\tb\nc\rd' })).toBe('<Play loop="a&#9;b&#10;c&#13;d"/>');
  });

  it('builds the same document as twilio.twiml.VoiceResponse for the ID-entry answer', () => {
    const ours = response(
      say('Welcome & hello', { language: 'en-GB', voice: 'Polly.Amy' }),
      gather({ action: 'https://x/voice/entry?a=1&b=2', input: 'dtmf', finishOnKey: '#', timeout: 6, actionOnEmptyResult: true }, say('Enter <ID>', { language: 'en-GB' })),
      dialConference('room-u1', { startConferenceOnEnter: true, beep: false, maxParticipants: 250 }),
    );
    const vr = new twilio.twiml.VoiceResponse();
    vr.say({ language: 'en-GB', voice: 'Polly.Amy' } as never, 'Welcome & hello');
    vr.gather({ action: 'https://x/voice/entry?a=1&b=2', input: ['dtmf'], finishOnKey: '#', timeout: 6, actionOnEmptyResult: true }).say({ language: 'en-GB' } as never, 'Enter <ID>');
    vr.dial().conference({ startConferenceOnEnter: true, beep: 'false', maxParticipants: 250 }, 'room-u1');
    expect(parseXml(ours)).toEqual(parseXml(vr.toString()));
  });

  it('text() is the only way in for plain strings', () => {
    expect(element('Say', undefined, text('<b>'))).toBe('<Say>&lt;b&gt;</Say>');
  });
});
