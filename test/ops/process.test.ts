// `npm start` in a fresh checkout with no services configured: embedded PostgreSQL, in-process
// cache, a demo printed on stdout; then a graceful shutdown with a request in flight, and a
// restart on the same data. One real process at a time, as a developer would run it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_TWILIO_AUTH_TOKEN } from '../../src/config.js';
import { rawRequest, startService, type ServiceProcess } from '../support/process.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'attendant-start-'));
const env = { NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
let service: ServiceProcess | undefined;
let adminKey = '';
let bridgeMadeDuringShutdown = '';

afterAll(async () => {
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${service!.base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', ...init.headers } });

describe('npm start with no services configured', () => {
  it('is ready within a minute and prints the demo it seeded', async () => {
    service = await startService(env);
    const ms = await service.waitUntilReady(90_000);
    expect(ms).toBeLessThan(60_000);
    const out = service.output();
    expect(out).toMatch(/DATABASE_URL is not set: using an embedded PostgreSQL/);
    expect(out).toMatch(/REDIS_URL is not set: using an in-process cache/);
    adminKey = (await service.waitForOutput(/admin API key\s+(att_\S+)/))[1]!;
    const tenantId = out.match(/tenant id\s+([0-9a-f-]{36})/)![1]!;
    const conferenceId = out.match(/conference ID\s+([1-9]\d{6})/)![1]!;
    expect(out).toMatch(/dial-in number\s+\+15555550100/);
    expect(out).toMatch(/leader PIN\s+\d{5}\s/);
    expect(out).toContain(`TWILIO_AUTH_TOKEN  ${DEV_TWILIO_AUTH_TOKEN}`);

    const me = await (await api('/me')).json();
    expect(me).toMatchObject({ tenantId: null, readOnly: false, name: 'demo admin' });
    const users = await (await api(`/tenants/${tenantId}/users?email=organizer%40demo.example.com`)).json();
    expect(users.items[0].conferenceId).toBe(conferenceId);
    expect(users.items[0].tollNumber).toBe('+15555550100');
    const tenant = await (await api(`/tenants/${tenantId}`)).json();
    const numbers = await (await api(`/dial-in-numbers?bridgeId=${tenant.bridgeId}`)).json();
    expect(numbers.items).toEqual([expect.objectContaining({ number: '+15555550100', primaryLanguage: 'en-US', secondaryLanguages: ['es-US'] })]);
  }, 120_000);

  it('on SIGTERM finishes the request in flight, takes no new connections, then exits 0', async () => {
    const s = service!;
    const port = Number(new URL(s.base).port);
    const body = JSON.stringify({ name: 'made while stopping' });
    const half = Math.floor(body.length / 2);
    const { socket, response } = rawRequest(port,
      `POST /api/v1/bridges HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
    await new Promise((r) => setTimeout(r, 500)); // authenticated, now waiting for the rest of the body
    s.child.kill('SIGTERM');
    await s.waitForOutput(/"inFlight":1,"msg":"stopping/);
    await expect(fetch(`${s.base}/healthz`)).rejects.toThrow(); // the listener is closed
    expect(s.child.exitCode).toBeNull(); // still finishing the request
    socket.write(body.slice(half));
    const answer = await response;
    expect(answer).toMatch(/^HTTP\/1\.1 201 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    bridgeMadeDuringShutdown = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).id;
    expect(await s.exited).toBe(0);
    const out = s.output();
    for (const part of ['directory rebuilds', 'database pool', 'cache connection', 'embedded database']) {
      expect(out).toContain(`"part":"${part}"`);
    }
    expect(out.indexOf('"part":"database pool"')).toBeLessThan(out.indexOf('"part":"embedded database"'));
    expect(out).toMatch(/"msg":"stopped"}\s*$/);
  }, 60_000);

  it('restarts on the same data: nothing seeded again, nothing lost', async () => {
    service = await startService(env);
    await service.waitUntilReady(90_000);
    const out = service.output();
    expect(out).toMatch(/Demo \(seeded on the first start/);
    expect(out).not.toMatch(/att_[a-z2-7]{10}_/); // the key is never shown again
    const bridge = await api(`/bridges/${bridgeMadeDuringShutdown}`);
    expect(bridge.status).toBe(200);
    expect((await bridge.json()).name).toBe('made while stopping');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  }, 120_000);
});
