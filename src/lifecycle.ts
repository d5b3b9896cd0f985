// Graceful shutdown of the parts main.ts starts. A background part (the outbox worker, a
// scheduler) registers how to stop it; on SIGTERM, once the HTTP server has finished its
// in-flight requests, main.ts stops them in reverse order of registration (the last started
// first), each within a deadline, and only then closes the pools they use.
import type { Logger } from './logging.js';

export interface Stoppable {
  /** Stops taking new work and resolves when the work in hand is done (or safely put back). */
  stop(): Promise<void> | void;
}

export class Lifecycle {
  readonly #parts: { name: string; part: Stoppable }[] = [];
  #stopping = false;

  constructor(private readonly log: Logger) {}

  get stopping(): boolean {
    return this.#stopping;
  }

  /** Registers a part to stop on shutdown; parts registered during shutdown are stopped at once. */
  register(name: string, part: Stoppable | (() => Promise<void> | void)): void {
    const entry = { name, part: typeof part === 'function' ? { stop: part } : part };
    if (this.#stopping) {
      void this.#stopOne(entry, 10_000);
      return;
    }
    this.#parts.push(entry);
  }

  /** Stops every registered part, last registered first; a part that overruns is logged and left. */
  async stopAll(deadlineMs = 10_000): Promise<void> {
    this.#stopping = true;
    while (this.#parts.length) await this.#stopOne(this.#parts.pop()!, deadlineMs);
  }

  async #stopOne({ name, part }: { name: string; part: Stoppable }, deadlineMs: number): Promise<void> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<'overrun'>((resolve) => {
      timer = setTimeout(() => resolve('overrun'), deadlineMs);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(() => part.stop()).then(() => 'stopped' as const), overrun]);
      if (result === 'overrun') this.log.warn({ part: name, deadlineMs }, 'did not stop in time; exiting without it');
      else this.log.info({ part: name, ms: Date.now() - started }, 'stopped');
    } catch (err) {
      this.log.error({ part: name, err }, 'failed to stop cleanly');
    } finally {
      clearTimeout(timer);
    }
  }
}
