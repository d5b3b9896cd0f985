// Runs a job handed over by the outbox: claims its pending items in batches (SKIP LOCKED), runs
// each unit in a savepoint of the batch's transaction and records the item's state in the same
// transaction. A crash rolls back the batch whole (effects and item states together), so after
// a restart every unit is done exactly once. A unit that fails for a reason of its own (not
// found, not supported) is recorded as failed; a dependency failure (database or cache down)
// aborts the batch, and the job is retried with the outbox's backoff.
import { AppError, DependencyError } from '../errors.js';
import type { Services } from '../services.js';
import type { Tx } from '../store/db.js';
import { claimItems, failJob, findJob, finishJob, markJobRunning, recordItems, type JobKind, type JobRow } from '../store/jobs.js';
import { othersWaiting, type ClaimedMessage } from '../store/outbox-claims.js';
import { mapDatabaseError } from '../store/pg-errors.js';
import type { HandlerContext, MessageHandler, Outcome } from '../outbox/worker.js';

export interface UnitKind<P = unknown> {
  /** Once per run of a job (e.g. read the tenant). */
  prepare?(s: Services, job: JobRow): Promise<P>;
  run(s: Services, tx: Tx, job: JobRow, unitId: string, prepared: P): Promise<void>;
}

export interface JobRunnerOptions {
  batchSize?: number;
  /** Concurrent batch loops per job (each its own transaction and connection). */
  parallelism?: number;
  /**
   * How long a job runs before it gives its turn to another tenant's waiting job (it is handed
   * back to the outbox, behind that job, and resumes with its pending items).
   */
  sliceMs?: number;
}

const TRANSIENT = new Set(['unavailable', 'timeout', 'conflict']);

export function isTransient(err: unknown): boolean {
  return err instanceof DependencyError || (err instanceof AppError && TRANSIENT.has(err.code));
}

export function jobHandler(s: Services, kinds: Partial<Record<JobKind, UnitKind<never>>>, options: JobRunnerOptions = {}): MessageHandler {
  const batchSize = options.batchSize ?? 100;
  const parallelism = options.parallelism ?? 2;
  const sliceMs = options.sliceMs ?? 2_000;

  async function runBatch(job: JobRow, kind: UnitKind<never>, prepared: unknown, ctx: HandlerContext, yieldNow: () => Promise<boolean>): Promise<number> {
    return s.db.transaction(async (tx) => {
      const ids = await claimItems(tx, job.id, batchSize);
      const results: { unitId: string; error: string | null }[] = [];
      for (const unitId of ids) {
        // items left unrun stay pending (their row locks go with this transaction)
        if (await yieldNow()) break;
        try {
          await tx.savepoint((unitTx) => kind.run(s, unitTx, job, unitId, prepared as never));
          results.push({ unitId, error: null });
        } catch (raw) {
          const err = mapDatabaseError(raw);
          if (isTransient(err)) throw err;
          if (!(err instanceof AppError)) ctx.log.error({ err, jobId: job.id, unitId }, 'job unit failed unexpectedly');
          results.push({ unitId, error: err instanceof AppError ? `${err.code}: ${err.detail}` : 'internal error' });
        }
      }
      await recordItems(tx, job.id, results);
      return results.length;
    });
  }

  return {
    async handle(m: ClaimedMessage, ctx: HandlerContext): Promise<Outcome> {
      const job = await findJob(s.db, String(m.payload.jobId));
      if (!job) return { status: 'dead', reason: 'the job no longer exists' };
      if (job.status === 'succeeded' || job.status === 'failed') return { status: 'sent' };
      const kind = kinds[job.kind];
      if (!kind) return { status: 'dead', reason: `no runner for jobs of kind ${job.kind}` };
      await markJobRunning(s.db, job.id);
      const prepared = kind.prepare ? await kind.prepare(s, job) : undefined;
      let lost = false;
      let yielded = false;
      let sliceEnds = Date.now() + sliceMs;
      // once a slice is over, a job gives its turn to another tenant's waiting job (checked between units)
      const yieldNow = async () => {
        if (yielded || Date.now() < sliceEnds) return yielded;
        sliceEnds = Date.now() + sliceMs;
        if (await othersWaiting(s.db, m.kind, m.tenant_id)) yielded = true;
        return yielded;
      };
      const loop = async () => {
        while (!ctx.stopping() && !lost && !yielded) {
          if (!(await ctx.renew())) {
            lost = true;
            return;
          }
          if ((await runBatch(job, kind, prepared, ctx, yieldNow)) === 0) return;
        }
      };
      // allSettled: no loop may still be working on the job when this attempt is settled
      const outcomes = await Promise.allSettled(Array.from({ length: parallelism }, loop));
      const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failure) throw failure.reason;
      if (lost || yielded || ctx.stopping()) return { status: 'released' };
      if (await finishJob(s.db, job.id)) return { status: 'sent' };
      throw new Error('some items of the job are still held by another worker');
    },
    async onGiveUp(m: ClaimedMessage, reason: string) {
      await failJob(s.db, String(m.payload.jobId), `given up: ${reason}`);
    },
  };
}
