// Stopping an HTTP server without cutting a request short: stop accepting connections, let the
// requests in flight finish (each answered with "Connection: close", so keep-alive clients
// reconnect elsewhere), close idle connections, and only at the deadline close what is left.
import type { Server, ServerResponse } from 'node:http';
import type { Logger } from '../logging.js';

export class HttpDrain {
  readonly #open = new Set<ServerResponse>();
  #draining = false;
  #wake: (() => void) | null = null;

  /** Register before the application's request listener, so that it runs first. */
  constructor(private readonly server: Server, private readonly log: Logger) {
    server.on('request', (_req, res: ServerResponse) => {
      this.#open.add(res);
      if (this.#draining) res.setHeader('Connection', 'close');
      res.once('close', () => {
        this.#open.delete(res);
        if (this.#draining) {
          server.closeIdleConnections();
          if (this.#open.size === 0) this.#wake?.();
        }
      });
    });
  }

  get inFlight(): number {
    return this.#open.size;
  }

  /** Resolves when every request has finished, or at the deadline (remaining connections are closed). */
  async close(deadlineMs: number): Promise<void> {
    this.#draining = true;
    for (const res of this.#open) if (!res.headersSent) res.setHeader('Connection', 'close');
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.#open.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        new Promise<boolean>((resolve) => {
          this.#wake = () => resolve(true);
        }),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), deadlineMs);
        }),
      ]);
      clearTimeout(timer);
      if (!finished) this.log.warn({ inFlight: this.#open.size, deadlineMs }, 'requests still in flight at the deadline; closing their connections');
    }
    this.server.closeAllConnections();
    await closed;
  }
}
