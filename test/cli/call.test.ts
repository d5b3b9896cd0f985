// `npm run call`: the terminal phone plays a whole call against a listening service.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_TOKEN, provision } from '../support/harness.js';
import { freePort } from '../support/private-services.js';
import { createVoiceHarness, type VoiceHarness } from '../voice/support.js';

let h: VoiceHarness;
beforeAll(async () => { h = await createVoiceHarness(); });
afterAll(async () => { await h.close(); });

function runCli(args: string[], input: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/call.ts', ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('exit', (code) => resolve({ code, out }));
    child.stdin.end(input);
  });
}

describe('npm run call', () => {
  it('prints what the caller hears and takes keys, silence and a hang-up from the keyboard', async () => {
    const { number, users: [u] } = await provision(h);
    const { code, out } = await runCli(
      [number, '--url', h.serviceUrl, '--public-base-url', h.publicBaseUrl],
      ['', 'abc', `${u!.conferenceId}#`, '#', ''].join('\n') + '\n',
      { TWILIO_AUTH_TOKEN: AUTH_TOKEN },
    );
    expect(code).toBe(0);
    expect(out).toContain('[en-US] Welcome to the conference service. Please enter your conference ID, followed by the pound key.');
    expect(out).toContain('[en-US] We did not hear a conference ID.'); // the empty line was silence
    expect(out).toContain('only 0-9, * and #');
    expect(out).toContain('If you are the organizer, press star now.');
    expect(out).toMatch(/in conference room-u[\w-]+ \(startConferenceOnEnter=false, beep=true, maxParticipants=250\)/);
    expect(out).toContain('you hung up');
  });

  it('says why when the service refuses the signature', async () => {
    const { number } = await provision(h);
    const { code, out } = await runCli([number, '--url', h.serviceUrl, '--public-base-url', h.publicBaseUrl, '--token', 'wrong-token'], '');
    expect(code).toBe(1);
    expect(out).toMatch(/call failed: .*answered 403/);
  });

  it('names the URL it could not reach and suggests npm start', async () => {
    const url = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    const { code, out } = await runCli(['+15550100100', '--url', url], '');
    expect(code).toBe(1);
    expect(out).toContain(`call failed: nothing answered at ${url} (ECONNREFUSED). Is the service running? Start it with \`npm start\``);
    expect(out).not.toMatch(/fetch failed|\n\s+at /);
  });
});

describe('the simulated call', () => {
  it('reports its real duration when it hangs up (durationS in the call-end log)', async () => {
    const { number, users: [u] } = await provision(h);
    const c = await h.call(number).dial();
    await c.press(`${u!.conferenceId}#`);
    await c.press('#');
    await new Promise((r) => setTimeout(r, 2_100)); // in the conference for two seconds and a bit
    const before = Date.now();
    await c.hangup();
    const after = Date.now();
    const line = h.logs.find((l) => l.callSid === c.callSid && l.msg === 'call ended');
    expect(line).toMatchObject({ status: 'completed' });
    expect(line!.durationS).toBeGreaterThanOrEqual(Math.max(3, c.durationS(before))); // whole seconds, rounded up as Twilio does
    expect(line!.durationS).toBeLessThanOrEqual(c.durationS(after));
  });
});
