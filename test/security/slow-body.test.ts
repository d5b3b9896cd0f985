// A client that sends its headers and then trickles the body a byte at a time is cut at
// HTTP_REQUEST_TIMEOUT_MS (server.ts), on the admin API and on the voice webhooks alike, and
// several such clients at once do not keep the server from answering others.
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import { BOOTSTRAP_KEY, createHarness, type Harness } from '../support/harness.js';

const TIMEOUT_MS = 1000;
let h: Harness;
let server: Server;
let port: number;
beforeAll(async () => {
  h = await createHarness({ env: { HTTP_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) } });
  server = createHttpServer(h.config);
  server.on('request', h.voice.front(h.app));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await h.close();
});

/** Sends the headers, then one byte of a long body every 100 ms; resolves when the server closes the connection. */
function trickle(head: string, bodyLength: number): Promise<{ closedAfterMs: number; bytesSent: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head.replace('{length}', String(bodyLength)));
      timer = setInterval(() => {
        if (sent < bodyLength && !socket.destroyed) {
          socket.write('a');
          sent++;
        }
      }, 100);
    });
    socket.on('data', (d) => { answer += d.toString(); });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, bytesSent: sent, answer });
    });
  });
}

describe('a slow body', () => {
  it('is cut at the configured request timeout, on the admin API and the voice webhooks', async () => {
    const admin = `POST /api/v1/bridges HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${BOOTSTRAP_KEY}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n`;
    const voice = 'POST /voice/incoming HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: x\r\nContent-Length: {length}\r\n\r\n';
    // ten of each at once: at 10 bytes a second, 600 bytes would take a minute
    const runs = await Promise.all([...Array.from({ length: 10 }, () => trickle(admin, 600)), ...Array.from({ length: 10 }, () => trickle(voice, 600))]);
    // meanwhile the server answers others
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    for (const r of runs) {
      expect(r.closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(r.closedAfterMs).toBeLessThan(TIMEOUT_MS + 1500);
      expect(r.bytesSent).toBeLessThan(30);
    }
  });
});
