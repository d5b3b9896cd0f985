// Serves one PGlite (a single PostgreSQL backend, one session) to many `pg` connections.
//
// pglite-socket's own server interleaves connections message by message outside transactions.
// With the extended query protocol a query is several messages (Parse, Bind, Execute... Sync),
// and the backend's unnamed statement, portal and error state are per session: interleaving
// them binds one client's parameters to another's statement, or discards a client's messages
// after another's error. So this queue gives the backend to one connection from its first
// message up to a point where the session is clean again: a Sync or a simple Query, and only
// outside a transaction. Connections wait their turn; a transaction runs alone, as it would at
// SERIALIZABLE. Development only (see embedded.ts).
import { createServer, type Server } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: Error) => void;
}

const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/** True when the session is between queries after this message (or it is a start-up message). */
function endsSequence(message: Uint8Array): boolean {
  const type = message[0];
  return type === 0x53 /* Sync */ || type === 0x51 /* Query */ || type === 0x58 /* Terminate */ || type === 0x00 /* start-up */;
}

/** The queue PGLiteSocketHandler expects (enqueue, clearQueueForHandler, clearTransactionIfNeeded). */
export class SessionQueue {
  #queue: Queued[] = [];
  #running = false;
  /** The connection that holds the session (mid-query or in a transaction); null when free. */
  #owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ handlerId, message, onData, resolve, reject });
      void this.#drain();
    });
  }

  getQueueLength(): number {
    return this.#queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.#queue = this.#queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error('connection closed'));
      return false;
    });
  }

  /** A connection went away: undo what it left open, and give the session to the others. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.#owner !== handlerId) return;
    await this.db.runExclusive(async () => {
      await this.db.execProtocolRawStream(SYNC, { onRawData: () => undefined });
      if (this.db.isInTransaction()) await this.db.execProtocolRawStream(simpleQuery('ROLLBACK'), { onRawData: () => undefined });
    });
    this.#owner = null;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#queue.length) {
        const i = this.#owner === null ? 0 : this.#queue.findIndex((q) => q.handlerId === this.#owner);
        if (i < 0) break; // the owner's next message has not arrived yet
        const item = this.#queue.splice(i, 1)[0]!;
        let bytes = 0;
        try {
          await this.db.runExclusive(() => this.db.execProtocolRawStream(item.message, {
            onRawData: (data) => {
              bytes += data.length;
              item.onData(data);
            },
          }));
        } catch (err) {
          this.#owner = this.db.isInTransaction() ? item.handlerId : null;
          item.reject(err as Error);
          continue;
        }
        this.#owner = !endsSequence(item.message) || this.db.isInTransaction() ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      this.#running = false;
    }
  }
}

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const msg = Buffer.alloc(5 + text.length);
  msg[0] = 0x51;
  msg.writeInt32BE(4 + text.length, 1);
  text.copy(msg, 5);
  return msg;
}

export interface EmbeddedServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on a loopback port; connections beyond `maxConnections` are closed at once. */
export async function serveEmbedded(db: PGlite, maxConnections: number): Promise<EmbeddedServer> {
  const queue = new SessionQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server: Server = createServer((socket) => {
    if (handlers.size >= maxConnections) {
      socket.destroy();
      return;
    }
    const handler = new PGLiteSocketHandler({ queryQueue: queue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'], closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async close() {
      await Promise.allSettled([...handlers].map((h) => h.detach(true)));
      handlers.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
