import { randomUUID } from 'node:crypto';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { CallerDigests, isWithheld, WITHHELD_CALLER } from '../../src/cache/caller-digest.js';
import { promptCatalogue } from '../../src/domain/prompts.js';
import { expectedSignature, portSpellings, validSignature } from '../../src/voice/signature.js';
import { decodeState, encodeState, InvalidCallState, type CallState } from '../../src/voice/state.js';
import { VoiceUrls } from '../../src/voice/urls.js';

const bridgeId = randomUUID();
const state: CallState = { bridgeId, language: 'es-US', languages: ['en-US', 'es-US', 'fr'], menu: true, failures: 2, conferenceId: '1234567', pinTries: 1 };

describe('voice URLs', () => {
  it('builds absolute step URLs under PUBLIC_BASE_URL, keeping a path prefix', () => {
    const urls = new VoiceUrls('https://proxy.example.com/attendant');
    const url = new URL(urls.step('entry', state));
    expect(url.origin + url.pathname).toBe('https://proxy.example.com/attendant/voice/entry');
    expect(urls.conferenceEvents(bridgeId)).toMatch(/^https:\/\/proxy\.example\.com\/attendant\/voice\/conference-events\?b=[\w-]{22}$/);
    expect(urls.requested('/voice/incoming')).toBe('https://proxy.example.com/attendant/voice/incoming');
    expect(() => new VoiceUrls('https://x/')).toThrow();
  });

  it('writes state that no URL encoder changes, and reads it back', () => {
    const url = new VoiceUrls('http://localhost:3000').step('pin', state);
    expect(new URL(url).toString()).toBe(url); // what Twilio requests (and signs) is what we wrote
    expect(encodeURI(url)).toBe(url);
    expect(decodeState(new URL(url).search.slice(1))).toEqual(state);
    const bare: CallState = { bridgeId, language: 'en-US', languages: ['en-US'], menu: false, failures: 0 };
    expect(decodeState(encodeState(bare))).toEqual(bare);
    const spoken: CallState = { ...bare, prompts: 4, speech: true };
    expect(decodeState(encodeState(spoken))).toEqual(spoken);
  });

  it('refuses state it did not write', () => {
    const ok = encodeState(state);
    for (const bad of [`${ok}&n=12`, `${ok}&n=x`, ok.replace('f=2', 'f=12'), ok.replace('c=1234567', 'c=0123456'), ok.replace(/b=[^&]+/, 'b=short'), ok.replace('l=es-US', 'l=<x>'), ok.replace('p=1', 'p=x'), '']) {
      expect(() => decodeState(bad), bad).toThrow(InvalidCallState);
    }
  });

  it('speaks a regional tag for base languages', () => {
    const say = (tag: string) => promptCatalogue().sayVoice(tag)?.language;
    expect(say('en')).toBe('en-US');
    expect(say('fr')).toBe('fr-FR');
    expect(say('en-GB')).toBe('en-GB');
  });
});

describe('Twilio signatures', () => {
  const token = 'the-auth-token-123';
  const url = 'https://proxy.example.com/attendant/voice/entry?b=x&l=en-US';
  const params = { CallSid: 'CA1', Digits: '1234567', From: '+14155550100', To: '+14155550199', Caller: 'a b+c&d=e' };

  it('match twilio.getExpectedTwilioSignature, repeated parameters included', () => {
    expect(expectedSignature(token, url, params)).toBe(twilio.getExpectedTwilioSignature(token, url, params));
    const repeated = { ...params, Multi: ['b', 'a', 'b'] };
    expect(expectedSignature(token, url, repeated)).toBe(twilio.getExpectedTwilioSignature(token, url, repeated as never));
  });

  it('validate what twilio.validateRequest validates, and nothing changed', () => {
    const sig = twilio.getExpectedTwilioSignature(token, url, params);
    expect(validSignature(token, sig, url, params)).toBe(true);
    expect(twilio.validateRequest(token, sig, url, params)).toBe(true);
    expect(validSignature(token, sig, url, { ...params, Digits: '7654321' })).toBe(false);
    expect(validSignature(token, sig, url.replace('/attendant', ''), params)).toBe(false);
    expect(validSignature(token, sig, url + '&f=0', params)).toBe(false);
    expect(validSignature('another-token', sig, url, params)).toBe(false);
    expect(validSignature(token, undefined, url, params)).toBe(false);
    expect(validSignature(token, '', url, params)).toBe(false);
  });

  it('accept the default port spelled out or left out, as Twilio may sign either', () => {
    const withPort = 'https://proxy.example.com:443/attendant/voice/incoming';
    const sig = twilio.getExpectedTwilioSignature(token, withPort, params);
    expect(validSignature(token, sig, 'https://proxy.example.com/attendant/voice/incoming', params)).toBe(true);
    expect(portSpellings('http://h:80/x?y=1')).toEqual(['http://h/x?y=1', 'http://h:80/x?y=1']);
    expect(portSpellings('http://h/x')).toEqual(['http://h/x', 'http://h:80/x']);
    expect(portSpellings('https://h:8443/x')).toEqual(['https://h/x', 'https://h:8443/x']);
  });
});

describe('caller digests', () => {
  it('put withheld numbers together, real numbers apart, and never show the number', () => {
    const digests = new CallerDigests(Buffer.alloc(32, 7));
    for (const w of ['', 'anonymous', 'Anonymous', 'RESTRICTED', 'unknown', '+266696687', '+7378742833', '+8656696', '+86282452253']) {
      expect(isWithheld(w), w).toBe(true);
      expect(digests.of(w)).toBe(WITHHELD_CALLER);
    }
    expect(isWithheld('+14155550100')).toBe(false);
    expect(digests.of('+14155550100')).toBe(digests.of('+14155550100'));
    expect(digests.of('+14155550100')).not.toBe(digests.of('+14155550101'));
    expect(digests.of('+14155550100')).not.toContain('4155550100');
    expect(digests.of('+14155550100')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // keyed: another SECRETS_KEY gives another digest
    expect(new CallerDigests(Buffer.alloc(32, 8)).of('+14155550100')).not.toBe(digests.of('+14155550100'));
  });
});
