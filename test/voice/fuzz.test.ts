// Odd Digits, To, From and other fields at every webhook, genuinely signed: the answer is always
// a 200 with well-formed TwiML (or a 2xx for callbacks), never a 5xx, and the service lives on.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTwiml } from '../../src/simulator/index.js';
import { provision } from '../support/harness.js';
import { createVoiceHarness, type VoiceHarness } from './support.js';

let h: VoiceHarness;
let number: string;
let conferenceId: string;
beforeAll(async () => {
  h = await createVoiceHarness();
  const p = await provision(h);
  number = p.number;
  conferenceId = p.users[0]!.conferenceId!;
});
afterAll(async () => { await h.close(); });

const ODD = [
  '', ' ', '#', '*', '**', '*9', '*1#', '0000000', '1234567#', '12345678901234567890', '٣٤٥٦٧٨٩', '１２３４５６７',
  '\u0000', 'a\u0000b', '<Say>hi</Say>', ']]>', '&amp;', '"\'><', '../../etc/passwd', "'; DROP TABLE users; --", 'x'.repeat(5000),
  '+', '+1', '+0000000000', '+999999999999999999', 'anonymous', 'restricted', '+266696687', 'sip:alice@example.com', 'client:bob',
  '\uD83D\uDE00', '\uD800', '%00', '%2F', 'null',
];
const odd = fc.oneof(fc.constantFrom(...ODD), fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

/** Posts a signed webhook and checks the answer is usable by Twilio. */
async function expectSafe(url: string, params: Record<string, string>) {
  const answer = await h.webhooks.send(url, params);
  expect(answer.status, `${url} ${JSON.stringify(params).slice(0, 200)}: ${answer.body.slice(0, 200)}`).toBeLessThan(300);
  if (answer.status === 200 && /xml/.test(answer.contentType)) parseTwiml(answer.body); // well-formed, <Response> root
  return answer;
}

describe('voice webhooks under odd input', () => {
  it('the incoming webhook with odd To, From and extra fields', async () => {
    await fc.assert(fc.asyncProperty(odd, odd, fc.boolean(), async (to, from, useRealNumber) => {
      await expectSafe(`${h.webhooks.publicBaseUrl}/voice/incoming`, {
        CallSid: 'CA' + '1'.repeat(32), AccountSid: 'AC' + '0'.repeat(32), To: useRealNumber ? number : to, From: from, Called: to, Caller: from,
      });
    }), { numRuns: 80 });
  }, 60_000);

  it('every step of a real call with odd Digits, and odd call state in the URL', async () => {
    await fc.assert(fc.asyncProperty(odd, odd, async (digits, state) => {
      const call = h.call(number);
      await call.dial();
      const entryUrl = new URL(call.gathering!.node.attrs.action!, `${h.webhooks.publicBaseUrl}/voice/incoming`).toString();
      await expectSafe(entryUrl, { CallSid: call.callSid, From: call.from, To: number, Digits: digits });
      // a step URL whose state was tampered with (still signed: as if Twilio replayed a bad URL)
      const bent = entryUrl.replace(/\?.*$/, `?${new URLSearchParams({ s: state }).toString()}`);
      await expectSafe(bent, { CallSid: call.callSid, From: call.from, To: number, Digits: digits });
      // the leader and PIN steps after a valid ID
      const leader = h.call(number);
      await leader.dial();
      await leader.press(`${conferenceId}#`);
      expect(leader.state, 'a valid ID leads to the organizer step').toBe('gathering');
      {
        const leaderUrl = new URL(leader.gathering!.node.attrs.action!, entryUrl).toString();
        await expectSafe(leaderUrl, { CallSid: leader.callSid, From: leader.from, To: number, Digits: digits });
        await expectSafe(leaderUrl.replace('/voice/leader', '/voice/pin'), { CallSid: leader.callSid, From: leader.from, To: number, Digits: digits });
      }
    }), { numRuns: 40 });
  }, 120_000);

  it('the SIP leg\'s end (<Dial action>) with odd DialCallStatus, SIP codes and call state', async () => {
    const call = h.call(number);
    await call.dial();
    const dialEnded = new URL(call.gathering!.node.attrs.action!, `${h.webhooks.publicBaseUrl}/voice/incoming`).toString().replace('/voice/entry', '/voice/dial-ended');
    await fc.assert(fc.asyncProperty(odd, odd, odd, async (status, code, state) => {
      await expectSafe(dialEnded, { CallSid: call.callSid, From: call.from, To: number, DialCallStatus: status, DialSipResponseCode: code });
      await expectSafe(dialEnded.replace(/\?.*$/, `?${new URLSearchParams({ s: state }).toString()}`), { CallSid: call.callSid, DialCallStatus: status });
    }), { numRuns: 60 });
  }, 60_000);

  it('conference and call status callbacks with odd fields', async () => {
    await fc.assert(fc.asyncProperty(odd, odd, odd, async (event, room, status) => {
      await expectSafe(`${h.webhooks.publicBaseUrl}/voice/conference-events?${new URLSearchParams({ b: room })}`, { StatusCallbackEvent: event, FriendlyName: room, ConferenceSid: 'CF' + '0'.repeat(32) });
      await expectSafe(`${h.webhooks.publicBaseUrl}/voice/status`, { CallSid: 'CA' + '2'.repeat(32), CallStatus: status, CallDuration: event });
      await expectSafe(`${h.webhooks.publicBaseUrl}/voice/fallback`, { CallSid: 'CA' + '3'.repeat(32), ErrorCode: event, ErrorUrl: room });
    }), { numRuns: 60 });
    expect((await fetch(`${h.webhooks.serviceUrl}/healthz`)).status).toBe(200);
  }, 60_000);
});
