// When things break: a caller hears a clear message, never Twilio's "application error".
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/cache/redis-store.js';
import { silentLogger } from '../../src/logging.js';
import { provision } from '../support/harness.js';
import { freePort } from '../support/private-services.js';
import { createVoiceHarness, lastHeard, type VoiceHarness } from './support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

describe('an unexpected failure inside a webhook', () => {
  it('answers 200 with a spoken apology and <Hangup/>, logged with the CallSid', async () => {
    const { number } = await provision(h);
    await h.call(number).dial(); // fills the cache and has the number directory marked trusted
    await h.services.directory.trust.settle();
    const redis = (h.services.cache as RedisStore).client;
    // A cached entry this version of the code cannot read: decoding it throws.
    await redis.hset(h.services.keys.numbers, number, 'Azzzzzzz|not-a-bridge-ref|t|en-US|');
    try {
      const c = await h.call(number).dial();
      expect(c.documents[0]!.status).toBe(200);
      expect(c.state).toBe('ended');
      expect(c.transcript()).toBe('We are sorry, something went wrong. Please call again later. Goodbye.');
      expect(c.documents[0]!.body).toMatch(/<\/Say><Hangup\/><\/Response>$/);
      const logged = h.logs.find((l) => l.callSid === c.callSid && l.level === 'error');
      expect(logged?.msg).toMatch(/voice step failed/);
      expect(JSON.stringify(logged)).toContain('not a reference');
    } finally {
      await redis.hdel(h.services.keys.numbers, number);
    }
  });
});

describe('with the cache and the database both down', () => {
  let redis: ChildProcess;
  let sick: VoiceHarness;
  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const cache = new RedisStore({ url: `redis://127.0.0.1:${port}` }, silentLogger);
    for (let k = 0; k < 50 && !cache.isConnected(); k++) await new Promise((r) => setTimeout(r, 100));
    expect(cache.isConnected(), 'the private Redis answered before it is killed').toBe(true);
    const deadDatabase = `postgres://postgres@127.0.0.1:${await freePort()}/nothing_here`;
    sick = await createVoiceHarness({ cache, databaseUrl: deadDatabase });
    await new Promise<void>((resolve) => { redis.once('exit', () => resolve()); redis.kill('SIGKILL'); });
  });
  afterAll(async () => {
    await sick.close();
    await sick.services.cache.close();
    if (redis.exitCode === null) redis.kill('SIGKILL');
  });

  it('the ID step tells the caller the ID could not be checked and asks again, without counting it against them', async () => {
    const { number, users: [u] } = await provision(h);
    const c = await h.call(number).dial(); // the healthy instance took the call...
    c.routeTo(sick.serviceUrl); // ...the next webhook lands on the sick one
    await c.press(`${u!.conferenceId}#`);
    expect(c.documents.at(-1)!.status).toBe(200);
    expect(c.state).toBe('gathering');
    expect(lastHeard(c)).toMatch(/^We could not check that conference ID just now\. Please try again\. Please enter/);
    c.routeTo(h.serviceUrl); // back to health: the same call goes on
    await c.press(`${u!.conferenceId}#`);
    await c.press('#');
    expect(c.state).toBe('conference');
  });

  it('a new call hears an apology and is hung up', async () => {
    const { number } = await provision(h);
    const c = h.call(number);
    c.routeTo(sick.serviceUrl);
    await c.dial();
    expect(c.documents[0]!.status).toBe(200);
    expect(c.state).toBe('ended');
    expect(c.transcript()).toMatch(/^We are sorry/);
  });
});

describe('call status callbacks', () => {
  it('are answered 200 and the call\'s end is logged with a masked number', async () => {
    const { number, users: [u] } = await provision(h);
    const c = await h.call(number).dial();
    await c.press(`${u!.conferenceId}#`);
    await c.press('#');
    const before = Date.now();
    const res = await c.hangup();
    const after = Date.now();
    expect(res.status).toBe(200);
    const line = h.logs.find((l) => l.callSid === c.callSid && l.msg === 'call ended');
    expect(line).toMatchObject({ status: 'completed' });
    // the simulator reports the call's real duration, as Twilio does
    expect(line!.durationS).toBeGreaterThanOrEqual(c.durationS(before));
    expect(line!.durationS).toBeLessThanOrEqual(c.durationS(after));
    expect(String(line!.caller)).not.toBe(c.from);
    expect(String(line!.caller)).toMatch(/\*/);
    const metrics = await h.services.metrics.registry.metrics();
    expect(metrics).toMatch(/attendant_calls_ended_total\{status="completed"\} [1-9]/);
    expect(metrics).toMatch(/attendant_http_request_duration_seconds_count\{group="voice",status="2xx"\} [1-9]/);
  });
});
