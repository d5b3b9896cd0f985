// A caller cannot hold the line at the ID prompt: language switches ("*1", "*2"...), silences and
// failed entries together give at most MAX_ID_PROMPTS prompts per call; then a polite goodbye.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCall } from '../../src/simulator/index.js';
import { MAX_ID_PROMPTS } from '../../src/voice/flow.js';
import { provision } from '../support/harness.js';
import { createVoiceHarness, type VoiceHarness } from './support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

const counter = async (c: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }, labels: Record<string, string> = {}) =>
  (await c.get()).values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);

/** Plays `step` until the call leaves the ID prompt (or `max` steps); returns how many were played. */
async function keepAt(c: SimulatedCall, step: (k: number) => Promise<unknown>, max = 20): Promise<number> {
  let k = 0;
  while (c.state === 'gathering' && k < max) await step(k++);
  return k;
}

describe('the ID prompt', () => {
  it(`is bounded: a call that only presses *1 ends politely after ${MAX_ID_PROMPTS} prompts`, async () => {
    const { number } = await provision(h, { number: { primaryLanguage: 'en-US', secondaryLanguages: ['es-US', 'fr-FR'] } });
    const limitBefore = await counter(h.services.metrics.promptLimitReached);
    const switchesBefore = await counter(h.services.metrics.reprompts, { reason: 'language' });
    const c = await h.call(number).dial();
    const presses = await keepAt(c, () => c.press('*1'));
    expect(c.state).toBe('ended');
    expect(presses).toBe(MAX_ID_PROMPTS); // the first prompt, then five switches heard, the sixth ends it
    expect(c.documents.filter((d) => d.body.includes('<Gather')).length).toBe(MAX_ID_PROMPTS);
    expect(c.documents.at(-1)!.body).toMatch(/<Hangup\/><\/Response>$/);
    expect(c.heard.at(-1)).toMatchObject({ language: 'es-US', text: 'No hemos recibido un identificador de conferencia, así que terminamos la llamada. Adiós.' });
    expect(await counter(h.services.metrics.promptLimitReached)).toBe(limitBefore + 1);
    expect(await counter(h.services.metrics.reprompts, { reason: 'language' })).toBe(switchesBefore + MAX_ID_PROMPTS);
  });

  it('counts language switches and silences together', async () => {
    const { number } = await provision(h, { number: { secondaryLanguages: ['de-DE'] } });
    const silencesBefore = await counter(h.services.metrics.reprompts, { reason: 'silence' });
    const c = await h.call(number).dial();
    // *1, silence, *1, *1, silence: five more prompts (two silences stay under three failures); the next *1 ends it
    const steps = await keepAt(c, (k) => ([1, 4].includes(k) ? c.silence() : c.press('*1')));
    expect(c.state).toBe('ended');
    expect(steps).toBe(MAX_ID_PROMPTS);
    expect(c.heard.at(-1)!.text).toBe('Wir haben keine Konferenz-ID erhalten und beenden den Anruf jetzt. Auf Wiederhören.');
    expect(await counter(h.services.metrics.reprompts, { reason: 'silence' })).toBe(silencesBefore + 2);
  });

  it('holds for a dozen calls switching languages at once', async () => {
    const { number } = await provision(h, { number: { secondaryLanguages: ['fr-FR'] } });
    const calls = await Promise.all(Array.from({ length: 12 }, () => h.call(number).dial()));
    const presses = await Promise.all(calls.map((c) => keepAt(c, () => c.press('*1'))));
    expect(presses).toEqual(Array(12).fill(MAX_ID_PROMPTS));
    expect(calls.every((c) => c.state === 'ended')).toBe(true);
  });

  it('still lets a caller who switched languages a few times join', async () => {
    const { number, users: [u] } = await provision(h, { number: { secondaryLanguages: ['fr-FR'] }, tenant: { allowCallersToStartMeeting: true } });
    const c = await h.call(number).dial();
    for (let k = 0; k < MAX_ID_PROMPTS - 2; k++) await c.press('*1');
    await c.press(`${u!.conferenceId}#`);
    expect(c.state).toBe('conference');
  });
});
