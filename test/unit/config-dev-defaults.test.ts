import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_TWILIO_AUTH_TOKEN, loadConfig } from '../../src/config.js';

describe('development defaults in the configuration', () => {
  it('gives a published Twilio token outside production, and says so', () => {
    expect(loadConfig({}).twilio).toMatchObject({ authToken: DEV_TWILIO_AUTH_TOKEN, devDefault: true });
    expect(loadConfig({ NODE_ENV: 'test', TWILIO_AUTH_TOKEN: 'a-real-token-123' }).twilio).toMatchObject({ authToken: 'a-real-token-123', devDefault: false });
  });

  it('never defaults in production, and never sends the default to Twilio\'s API', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TWILIO_AUTH_TOKEN: required when NODE_ENV=production/);
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` })).toThrow(ConfigError);
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` })).toThrow(/TWILIO_AUTH_TOKEN: required with TWILIO_ACCOUNT_SID/);
  });

  it('uses the embedded database and the in-process cache when nothing is set', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redis.kind).toBe('memory');
    expect(c.dataDir).toBe('data');
  });
});
