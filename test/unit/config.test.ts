import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('configuration', () => {
  it('has the contract defaults and is frozen', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, publicBaseUrl: 'http://localhost:3000', quarantineDays: 90, callerFailureLimit: 10, callerFailureWindowS: 3600, adminRateLimitPerMin: 6000, emailFrom: 'Conference Attendant <noreply@localhost>' });
    expect(c.redis.kind).toBe('memory');
    expect(c.secretsKey.ephemeral).toBe(true);
    expect(Object.isFrozen(c) && Object.isFrozen(c.redis)).toBe(true);
    expect(loadConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
  });

  it('uses named prepared statements with DATABASE_URL, not with the embedded database, unless told', () => {
    const url = 'postgres://db.example.com/attendant';
    expect(loadConfig({}).databasePreparedStatements).toBe(false);
    expect(loadConfig({ DATABASE_URL: url }).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: 'false' }).databasePreparedStatements).toBe(false);
    expect(problems({ DATABASE_PREPARED_STATEMENTS: 'yes' })).toEqual([expect.stringMatching(/^DATABASE_PREPARED_STATEMENTS: /)]);
  });

  it('names each bad variable', () => {
    expect(problems({ PORT: 'eighty' })[0]).toMatch(/^PORT:/);
    expect(problems({ REDIS_URL: 'http://x' })[0]).toMatch(/^REDIS_URL:/);
    expect(problems({ BOOTSTRAP_ADMIN_KEY: 'short' })[0]).toMatch(/^BOOTSTRAP_ADMIN_KEY: .*32/);
    expect(problems({ SECRETS_KEY: 'abcd' })[0]).toMatch(/^SECRETS_KEY: .*32 bytes/);
    expect(problems({ PUBLIC_BASE_URL: 'ftp://x' })[0]).toMatch(/^PUBLIC_BASE_URL:/);
    expect(problems({ RETIRED_ID_QUARANTINE_DAYS: '-1' })[0]).toMatch(/^RETIRED_ID_QUARANTINE_DAYS:/);
    expect(problems({ REDIS_CLUSTER_NODES: 'a,b' })[0]).toMatch(/^REDIS_CLUSTER_NODES:/);
  });

  it('refuses production without its required parts, naming each', () => {
    const p = problems({ NODE_ENV: 'production' });
    for (const name of ['PUBLIC_BASE_URL', 'DATABASE_URL', 'REDIS_URL', 'TWILIO_AUTH_TOKEN', 'SECRETS_KEY']) expect(p.some((x) => x.startsWith(`${name}:`))).toBe(true);
    const ok = loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://attendant.example.com', DATABASE_URL: 'postgres://db/x', REDIS_CLUSTER_NODES: 'r1:7000,r2:7001', TWILIO_AUTH_TOKEN: 'x'.repeat(32), SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') });
    expect(ok.redis).toEqual({ kind: 'cluster', nodes: [{ host: 'r1', port: 7000 }, { host: 'r2', port: 7001 }], keyPrefix: 'att:' });
    expect(ok.secretsKey).toEqual({ key: Buffer.alloc(32, 7), ephemeral: false });
  });

  it('accepts a PUBLIC_BASE_URL with a path and drops the trailing slash', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://host.example/attendant/' }).publicBaseUrl).toBe('https://host.example/attendant');
  });
});
