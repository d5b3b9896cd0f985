// The HTTP server's timeouts. A request whose headers and body have not all arrived within
// HTTP_REQUEST_TIMEOUT_MS is answered 408 and its connection closed, so a client trickling a
// body a byte at a time holds a connection (and a parser) for that long at most. Node checks
// open requests every `connectionsCheckingInterval`, which must be well below the timeout for
// the cut to come on time (its default, 30 s, would double a 15 s timeout).
import { createServer, type Server } from 'node:http';
import type { Config } from '../config.js';

export function createHttpServer(config: Pick<Config, 'httpRequestTimeoutMs'>): Server {
  const timeout = config.httpRequestTimeoutMs;
  const server = createServer({ connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeout / 4))) });
  server.requestTimeout = timeout;
  server.headersTimeout = Math.min(timeout, 10_000);
  server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts
  return server;
}
