// The simulator plays Twilio faithfully: a scripted TwiML server checks what it receives.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTwiml, SimulatedCall, TwimlError } from '../../src/simulator/index.js';

const TOKEN = 'simulator-test-token';
const PUBLIC = 'https://public.example.com/prefix';
/** path → TwiML; every request is recorded with whether its signature was valid. */
const documents: Record<string, string> = {};
const received: { path: string; params: Record<string, string>; signatureValid: boolean }[] = [];
let server: Server;
let serviceUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const url = PUBLIC + req.url;
      received.push({ path: req.url!, params, signatureValid: twilio.validateRequest(TOKEN, String(req.headers['x-twilio-signature']), url, params) });
      const doc = documents[req.url!.split('?')[0]!];
      res.writeHead(doc ? 200 : 404, { 'content-type': 'text/xml' }).end(doc ?? 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const call = () => new SimulatedCall({ serviceUrl, publicBaseUrl: PUBLIC, authToken: TOKEN, to: '+15550001111', from: '+15550002222' });
const doc = (xml: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${xml}</Response>`;

describe('the call simulator', () => {
  it('signs as Twilio does, runs Say, follows a relative Redirect and stops at a Gather', async () => {
    documents['/voice/incoming'] = doc('<Say language="en-GB">Hello &amp; welcome</Say><Pause length="1"/><Redirect>next?x=1</Redirect>');
    documents['/voice/next'] = doc('<Gather action="/prefix/voice/got" numDigits="3" finishOnKey=""><Say>Three digits</Say></Gather><Say>No input</Say><Hangup/>');
    documents['/voice/got'] = doc('<Dial><Conference startConferenceOnEnter="false">room-1</Conference></Dial>');
    const c = await call().dial();
    expect(c.heard).toEqual([{ verb: 'Say', text: 'Hello & welcome', language: 'en-GB' }, { verb: 'Say', text: 'Three digits' }]);
    expect(c.state).toBe('gathering');
    await c.press('1#234'); // no finish key: '#' is a digit like any other; numDigits cuts at 3
    expect(c.state).toBe('conference');
    expect(c.conference).toEqual({ room: 'room-1', attrs: { startConferenceOnEnter: 'false' } });
    const last = received.slice(-3);
    expect(last.map((r) => r.path)).toEqual(['/voice/incoming', '/voice/next?x=1', '/voice/got']);
    expect(last.every((r) => r.signatureValid)).toBe(true);
    expect(last[2]!.params).toMatchObject({ Digits: '1#2', CallSid: c.callSid, From: '+15550002222', To: '+15550001111', CallStatus: 'in-progress' });
    expect(last[0]!.params.CallStatus).toBe('ringing');
  });

  it('an empty Gather goes on to the next verb unless actionOnEmptyResult is true', async () => {
    documents['/voice/incoming'] = doc('<Gather action="/prefix/voice/got"><Say>ID please</Say></Gather><Say>Goodbye</Say>');
    const silent = await call().dial();
    await silent.silence();
    expect(silent.state).toBe('ended'); // the document ran out after "Goodbye"
    expect(silent.heard.at(-1)!.text).toBe('Goodbye');
    const hashOnly = await call().dial();
    await hashOnly.press('#');
    expect(hashOnly.heard.at(-1)!.text).toBe('Goodbye');

    documents['/voice/incoming'] = doc('<Gather action="/prefix/voice/got" actionOnEmptyResult="true"><Say>ID please</Say></Gather>');
    const posted = await call().dial();
    await posted.press('#');
    expect(received.at(-1)!.params).toMatchObject({ Digits: '', FinishedOnKey: '#' });
  });

  it('treats anything but 200 TwiML as the caller would hear it: an application error', async () => {
    documents['/voice/incoming'] = doc('<Redirect>/prefix/voice/missing</Redirect>');
    await expect(call().dial()).rejects.toThrow(/answered 404/);
    documents['/voice/incoming'] = doc('<Redirect>https://elsewhere.example.com/voice/x</Redirect>');
    await expect(call().dial()).rejects.toThrow(/outside PUBLIC_BASE_URL/);
    documents['/voice/incoming'] = '<Response><Say>unclosed</Response>';
    await expect(call().dial()).rejects.toThrow(TwimlError);
  });

  it('reads TwiML strictly', () => {
    expect(() => parseTwiml('<Response><Say a="1" a="2">x</Say></Response>')).toThrow(/twice/);
    expect(() => parseTwiml('<Response>Tom & Jerry</Response>')).toThrow(/bare &/);
    expect(() => parseTwiml('<Other/>')).toThrow(/not <Response>/);
    expect(parseTwiml('<?xml version="1.0"?><!-- c --><Response><Say>&#72;i &lt;3</Say></Response>').children[0]!.text).toBe('Hi <3');
  });
});
