// The outbox worker: claims due messages under a lease, hands each to the handler of its kind,
// and settles it (sent, undeliverable, dead) or schedules a retry with backoff. Any number of
// workers may run against one database (FOR UPDATE SKIP LOCKED plus a claim token per attempt).
//
// Delivery guarantee: a message is never lost (it stays pending until a worker settles it) and
// two workers never hold it at once. A worker that crashes after the SMTP server accepted a
// message but before it recorded that, leaves the row to be sent again when its lease runs out:
// we chose at-least-once over at-most-once for that narrow window, because a lost PIN or ID email
// strands a user while a duplicate is harmless. The Message-ID is derived from the row, so the
// duplicate is recognisable as the same message.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging.js';
import type { Services } from '../services.js';
import { claimDue, claimDueFairly, release, renewLease, retryLater, settle, type ClaimedMessage, type FinalStatus } from '../store/outbox-claims.js';
import { DEFAULT_BACKOFF, retryDelayMs, shouldGiveUp, type BackoffPolicy } from './backoff.js';

export type Outcome = { status: Exclude<FinalStatus, 'sent'>; reason: string } | { status: 'sent' } | { status: 'released' };

/** A failure that retrying cannot fix (e.g. the SMTP server refused the address for good). */
export class PermanentFailure extends Error {}

export interface HandlerContext {
  log: Logger;
  /** True once the worker was asked to stop: long handlers (jobs) finish their unit and return. */
  stopping(): boolean;
  /** Extends the lease; false when the row is no longer this worker's (stop at once). */
  renew(): Promise<boolean>;
}

export interface MessageHandler {
  handle(message: ClaimedMessage, ctx: HandlerContext): Promise<Outcome>;
  /** Called when the message is given up (dead), e.g. to mark its job failed. */
  onGiveUp?(message: ClaimedMessage, reason: string): Promise<void>;
}

/** Loops that claim one kind of message; each kind has its own, so a backlog stays in its lane. */
export interface Lane {
  kind: string;
  concurrency: number;
  leaseMs: number;
  /** Live claims one tenant may hold in this lane across all workers (unset: no limit). */
  perTenant?: number;
}

/** What a domain registers with the worker: a kind of message, who handles it, and its lane. */
export interface MessageKind {
  kind: string;
  handler: MessageHandler;
  lane: Omit<Lane, 'kind'>;
  /** Caps the retry delay of this kind below the worker's backoff (work that should resume soon after an outage). */
  maxRetryDelayMs?: number;
}

/** Work a domain wants done now and then (the expired-ID sweeper), every `everyMs`. */
export interface PeriodicTask {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

export interface WorkerOptions {
  /** Run only these lanes, with these settings (tests); by default each kind's own lane. */
  lanes?: Lane[];
  backoff?: BackoffPolicy;
  idlePollMs?: number;
  periodic?: PeriodicTask[];
}

export class OutboxWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly #handlers: Map<string, MessageHandler>;
  readonly #maxRetryDelay: Map<string, number>;
  readonly #lanes: Lane[];
  readonly #backoff: BackoffPolicy;
  readonly #idlePollMs: number;
  readonly #periodic: NonNullable<WorkerOptions['periodic']>;
  #stopping = false;
  #loops: Promise<void>[] = [];
  #wakers = new Set<() => void>();
  readonly #log: Logger;

  constructor(private readonly s: Services, kinds: readonly MessageKind[], options: WorkerOptions = {}) {
    this.#handlers = new Map(kinds.map((k) => [k.kind, k.handler]));
    this.#maxRetryDelay = new Map(kinds.filter((k) => k.maxRetryDelayMs !== undefined).map((k) => [k.kind, k.maxRetryDelayMs!]));
    this.#lanes = options.lanes ?? kinds.map((k) => ({ kind: k.kind, ...k.lane }));
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#idlePollMs = options.idlePollMs ?? 500;
    this.#periodic = options.periodic ?? [];
    this.#log = s.log.child({ component: 'outbox-worker', worker: this.id });
  }

  get running(): boolean {
    return this.#loops.length > 0 && !this.#stopping;
  }

  start(): void {
    if (this.#loops.length) return;
    for (const lane of this.#lanes) {
      if (!this.#handlers.has(lane.kind)) continue;
      for (let k = 0; k < lane.concurrency; k++) this.#loops.push(this.#laneLoop(lane));
    }
    for (const task of this.#periodic) this.#loops.push(this.#periodicLoop(task));
    this.#log.info({ lanes: this.#lanes.map((l) => l.kind) }, 'outbox worker started');
  }

  /** Stops claiming; resolves once every message in hand is finished (jobs stop after their unit batch). */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const wake of this.#wakers) wake();
    await Promise.allSettled(this.#loops);
    this.#loops = [];
    this.#log.info('outbox worker stopped');
  }

  /** Claims and handles what is due now, once, in this lane; how many messages it handled. */
  async runOnce(lane: Lane): Promise<number> {
    const claim = { kind: lane.kind, limit: 1, leaseMs: lane.leaseMs, worker: this.id };
    const claimed = lane.perTenant === undefined ? await claimDue(this.s.db, claim) : await claimDueFairly(this.s.db, { ...claim, perTenant: lane.perTenant });
    for (const m of claimed) await this.#handle(m, lane);
    return claimed.length;
  }

  async #laneLoop(lane: Lane): Promise<void> {
    while (!this.#stopping) {
      let handled = 0;
      try {
        handled = await this.runOnce(lane);
      } catch (err) {
        this.#log.warn({ err: (err as Error).message, lane: lane.kind }, 'outbox claim failed; retrying shortly');
      }
      if (!handled) await this.#sleep(this.#idlePollMs);
    }
  }

  async #periodicLoop(task: PeriodicTask): Promise<void> {
    while (!this.#stopping) {
      try {
        await task.run();
      } catch (err) {
        this.#log.warn({ err: (err as Error).message, task: task.name }, 'periodic task failed');
      }
      await this.#sleep(task.everyMs);
    }
  }

  async #handle(m: ClaimedMessage, lane: Lane): Promise<void> {
    const handler = this.#handlers.get(m.kind)!;
    const log = this.#log.child({ outboxId: m.id, kind: m.kind, attempt: m.attempts });
    const ctx: HandlerContext = {
      log,
      stopping: () => this.#stopping,
      renew: () => renewLease(this.s.db, m.id, m.claim_token, lane.leaseMs),
    };
    let outcome: Outcome;
    try {
      outcome = await handler.handle(m, ctx);
    } catch (err) {
      const reason = describe(err);
      if (err instanceof PermanentFailure || shouldGiveUp(m.created_at, new Date(), this.#backoff)) {
        log.error({ reason }, 'outbox message given up (dead); an operator can see it under /api/v1/outbox?status=dead');
        await this.#settle(m, 'dead', reason, log);
        await handler.onGiveUp?.(m, reason).catch((e) => log.error({ err: describe(e) }, 'give-up hook failed'));
        return;
      }
      const delay = Math.min(retryDelayMs(m.attempts, this.#backoff), this.#maxRetryDelay.get(m.kind) ?? Infinity);
      log.warn({ reason, retryInMs: delay }, 'outbox message failed; will retry');
      await retryLater(this.s.db, m.id, m.claim_token, delay, reason).catch((e) => log.warn({ err: describe(e) }, 'could not schedule the retry; the lease will expire instead'));
      this.s.metrics.outboxMessages.inc({ kind: m.kind, outcome: 'retry' });
      return;
    }
    if (outcome.status === 'released') {
      await release(this.s.db, m.id, m.claim_token).catch(() => undefined);
      return;
    }
    await this.#settle(m, outcome.status, outcome.status === 'sent' ? null : outcome.reason, log);
  }

  async #settle(m: ClaimedMessage, status: FinalStatus, reason: string | null, log: Logger): Promise<void> {
    try {
      const ours = await settle(this.s.db, m.id, m.claim_token, status, reason);
      if (!ours) log.warn({ status }, 'outbox message was settled after its lease ran out; another worker holds it now');
      this.s.metrics.outboxMessages.inc({ kind: m.kind, outcome: status });
    } catch (err) {
      // The row stays pending; its lease runs out and it is tried again (at-least-once, see top).
      log.error({ err: describe(err), status }, 'could not record the outcome of an outbox message');
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
    });
  }
}

/** An error's message, cut short, never its stack (it may hold addresses but holds no secrets). */
export function describe(err: unknown): string {
  const e = err as { message?: string; responseCode?: number; code?: string };
  const text = [e?.code, e?.responseCode, e?.message ?? String(err)].filter(Boolean).join(' ');
  return text.slice(0, 500);
}
