// PUBLIC_BASE_URL is what Twilio calls and signs: production refuses to start without it (every
// webhook would answer 403 and number syncs would write localhost URLs), wants https:// unless
// told otherwise, and refuses a value with a query or a fragment. The voice options read at
// start-up (TTS_VOICE, HOLD_MUSIC_URL, the announced-signature settings) are checked there too.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const PRODUCTION = {
  NODE_ENV: 'production', DATABASE_URL: 'postgres://db.example.com/attendant', REDIS_URL: 'redis://redis.example.com:6379',
  TWILIO_AUTH_TOKEN: 'x'.repeat(32), SECRETS_KEY: 'ab'.repeat(32),
};

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

/** Runs the real entry point (what `npm start` runs) with exactly `env`; resolves with its exit code and output. */
function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('PUBLIC_BASE_URL', () => {
  it('is required in production: `npm start` exits 78 naming it, before connecting to anything', async () => {
    const { code, output } = await start(PRODUCTION);
    expect(code).toBe(78);
    expect(output).toMatch(/PUBLIC_BASE_URL: required when NODE_ENV=production/);
    expect(output).not.toMatch(/DATABASE_URL|REDIS_URL|TWILIO_AUTH_TOKEN|SECRETS_KEY/); // those are set
  }, 90_000);

  it('must be https:// in production unless ALLOW_INSECURE_PUBLIC_URL=true', () => {
    expect(problems({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://pbx.example.com' })).toEqual([expect.stringMatching(/^PUBLIC_BASE_URL: must be https:\/\/ .*ALLOW_INSECURE_PUBLIC_URL=true/)]);
    expect(loadConfig({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://pbx.example.com', ALLOW_INSECURE_PUBLIC_URL: 'true' }).publicBaseUrl).toBe('http://pbx.example.com');
    expect(loadConfig({ ...PRODUCTION, PUBLIC_BASE_URL: 'https://pbx.example.com:8443/attendant/' }).publicBaseUrl).toBe('https://pbx.example.com:8443/attendant');
    expect(problems({ ...PRODUCTION, PUBLIC_BASE_URL: 'https://pbx.example.com', ALLOW_INSECURE_PUBLIC_URL: 'yes' })[0]).toMatch(/^ALLOW_INSECURE_PUBLIC_URL:/);
    // outside production, http:// stays the development default
    expect(loadConfig({}).publicBaseUrl).toBe('http://localhost:3000');
  });

  it('refuses a query or a fragment, in any environment', () => {
    for (const url of ['https://pbx.example.com/attendant?x=1', 'https://pbx.example.com/#top', 'https://pbx.example.com/a?']) {
      expect(problems({ PUBLIC_BASE_URL: url }), url).toEqual([expect.stringMatching(/^PUBLIC_BASE_URL: must not have a query/)]);
      expect(problems({ ...PRODUCTION, PUBLIC_BASE_URL: url })[0], url).toMatch(/^PUBLIC_BASE_URL:/);
    }
  });
});

describe('voice options checked at start-up', () => {
  it('TTS_VOICE must be a voice Twilio offers', () => {
    expect(loadConfig({ TTS_VOICE: 'Polly.Russell' }).ttsVoice).toBe('Polly.Russell');
    expect(loadConfig({ TTS_VOICE: 'Polly.Olivia-Neural' }).ttsVoice).toBe('Polly.Olivia-Neural');
    for (const bad of ['Polly.Nobody', 'Joanna', 'polly.joanna', 'alice']) expect(problems({ TTS_VOICE: bad })[0], bad).toMatch(/^TTS_VOICE: /);
  });

  it('HOLD_MUSIC_URL must be http(s)', () => {
    expect(loadConfig({ HOLD_MUSIC_URL: 'https://music.example.com/hold.mp3' }).holdMusicUrl).toBe('https://music.example.com/hold.mp3');
    for (const bad of ['ftp://music.example.com/hold.mp3', 'javascript:alert(1)', 'file:///etc/passwd', 'hold.mp3']) {
      expect(problems({ HOLD_MUSIC_URL: bad })[0], bad).toMatch(/^HOLD_MUSIC_URL: /);
    }
  });

  it('announced (HMAC-SHA256) signatures are off by default; a shared key needs its secret', () => {
    expect(loadConfig({}).twilio.announcedSignatures).toEqual({ settingsHeader: 'x-twilio-webhooks-signature-settings', announced: 'off', sharedKeySecret: undefined });
    expect(problems({ TWILIO_SHA256_SIGNATURES: 'shared-key' })).toEqual([expect.stringMatching(/^TWILIO_SHARED_KEY_SECRET: required/)]);
    expect(problems({ TWILIO_SHA256_SIGNATURES: 'on' })[0]).toMatch(/^TWILIO_SHA256_SIGNATURES:/);
    expect(problems({ TWILIO_SIGNATURE_SETTINGS_HEADER: 'not a header' })[0]).toMatch(/^TWILIO_SIGNATURE_SETTINGS_HEADER:/);
    const c = loadConfig({ TWILIO_SHA256_SIGNATURES: 'shared-key', TWILIO_SHARED_KEY_SECRET: 'the-shared-secret', TWILIO_SIGNATURE_SETTINGS_HEADER: 'X-Signature-Settings' });
    expect(c.twilio.announcedSignatures).toEqual({ settingsHeader: 'x-signature-settings', announced: 'shared-key', sharedKeySecret: 'the-shared-secret' });
  });
});
