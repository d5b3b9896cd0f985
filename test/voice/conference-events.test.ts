// Twilio's conference callbacks decide whether a meeting "has started", which lets callers skip
// the organizer step. A signed callback replayed later, or arriving after a newer one, must not
// mark a room started: only a recent start, newer than the room's last event, whose
// SequenceNumber was not seen for its conference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomName } from '../../src/directory/rooms.js';
import { uuidToRef } from '../../src/lib/refs.js';
import { newSid } from '../../src/simulator/index.js';
import { provision, type Provisioned } from '../support/harness.js';
import { createVoiceHarness, joinWith, type VoiceHarness } from './support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

const MINUTE = 60_000;

/** Posts a signed conference callback for the organizer's room, as Twilio does. */
async function callback(p: Provisioned, event: 'conference-start' | 'conference-end', o: { sid: string; seq: number; at: number }) {
  const res = await h.webhooks.send(`${h.publicBaseUrl}/voice/conference-events?b=${uuidToRef(p.bridge.id)}`, {
    AccountSid: `AC${'0'.repeat(32)}`, ConferenceSid: o.sid, FriendlyName: roomName('user', p.users[0]!.id),
    StatusCallbackEvent: event, SequenceNumber: String(o.seq), Timestamp: new Date(o.at).toUTCString(),
  });
  expect(res.status).toBe(200);
  expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
}

/**
 * A tenant whose organizer's ID is in the cache already: a room's start is read beside a cached
 * entry (a lookup the cache cannot answer says "not started", the safe way), so the bridge is
 * rebuilt and the entry filled first.
 */
async function provisioned(): Promise<Provisioned> {
  const p = await provision(h);
  expect(await started(p)).toBe(false);
  await h.services.directory.trust.settle();
  expect(await started(p)).toBe(false);
  return p;
}

async function started(p: Provisioned): Promise<boolean> {
  const r = await h.services.directory.lookupConferenceId(p.bridge.id, Number(p.users[0]!.conferenceId));
  if (r.status !== 'active') throw new Error(`the ID is ${r.status}`);
  return r.started;
}

/** A caller who enters the ID: true when the organizer step was skipped. */
async function callerSkipsOrganizerStep(p: Provisioned): Promise<boolean> {
  const c = await h.call(p.number).dial();
  await c.press(`${p.users[0]!.conferenceId}#`);
  return c.state === 'conference';
}

describe('conference-start callbacks', () => {
  it('a signed start replayed two days later leaves the room not started: the next caller meets the organizer step', async () => {
    const p = await provisioned();
    const sid = newSid('CF');
    const twoDaysAgo = Date.now() - 2 * 24 * 60 * MINUTE;
    await callback(p, 'conference-start', { sid, seq: 2, at: twoDaysAgo });
    expect(await started(p)).toBe(false);
    expect(await callerSkipsOrganizerStep(p)).toBe(false);
    expect(h.logs.some((l) => /conference start ignored/.test(String(l.msg)))).toBe(true);
  });

  it('a start older than 10 minutes is not believed; a fresh one is', async () => {
    const p = await provisioned();
    await callback(p, 'conference-start', { sid: newSid('CF'), seq: 2, at: Date.now() - 11 * MINUTE });
    expect(await started(p)).toBe(false);
    await callback(p, 'conference-start', { sid: newSid('CF'), seq: 2, at: Date.now() - 2_000 });
    expect(await started(p)).toBe(true);
    expect(await callerSkipsOrganizerStep(p)).toBe(true);
  });

  it('a start whose SequenceNumber was seen for its conference (a replay) changes nothing, even when recent', async () => {
    const p = await provisioned();
    const sid = newSid('CF');
    const at = Date.now() - 5_000;
    await callback(p, 'conference-start', { sid, seq: 2, at });
    expect(await started(p)).toBe(true);
    await callback(p, 'conference-end', { sid, seq: 7, at: Date.now() });
    expect(await started(p)).toBe(false);
    await callback(p, 'conference-start', { sid, seq: 2, at }); // the very same callback again
    expect(await started(p)).toBe(false);
    expect(await callerSkipsOrganizerStep(p)).toBe(false);
  });

  it('a start older than the room\'s last event (arriving late) changes nothing', async () => {
    const p = await provisioned();
    const now = Date.now();
    await callback(p, 'conference-end', { sid: newSid('CF'), seq: 9, at: now });
    await callback(p, 'conference-start', { sid: newSid('CF'), seq: 2, at: now - MINUTE });
    expect(await started(p)).toBe(false);
    // a start after that end is a new meeting
    await callback(p, 'conference-start', { sid: newSid('CF'), seq: 2, at: now + 1_000 });
    expect(await started(p)).toBe(true);
  });

  it('real meetings still start and end: a leader starts it, callers then skip the organizer step, the end brings it back', async () => {
    const p = await provision(h);
    const leader = await h.call(p.number).dial();
    await leader.press(`${p.users[0]!.conferenceId}#`);
    await leader.press('*');
    await leader.press(`${p.users[0]!.leaderPin}#`);
    expect(leader.state).toBe('conference');
    expect(await started(p)).toBe(true);
    const caller = await joinWith(h.call(p.number), p.users[0]!.conferenceId!);
    expect(caller.documents.some((d) => d.url.includes('/voice/leader'))).toBe(false);
    await caller.hangup();
    await leader.hangup();
    expect(await started(p)).toBe(false);
  });
});
