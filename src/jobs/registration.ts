// What background work registers with the outbox worker: jobs (one message runs a whole job,
// unit by unit) and the expired-ID sweeper.
import { sweepExpiredIds } from '../commands/retire-expired-ids.js';
import type { Services } from '../services.js';
import { JOB_KIND } from '../store/jobs.js';
import type { MessageKind, PeriodicTask } from '../outbox/worker.js';
import { bulkResetUnits } from './bulk-reset.js';
import { defaultNumberMoveUnits } from './default-number-move.js';
import { meetingMigrationUnits } from './meeting-migration.js';
import { jobHandler, type JobRunnerOptions } from './runner.js';

export function jobMessages(s: Services, options: JobRunnerOptions = {}): MessageKind {
  const handler = jobHandler(s, {
    meeting_migration: meetingMigrationUnits,
    conference_id_reset: bulkResetUnits,
    default_number_move: defaultNumberMoveUnits,
  } as never, options);
  // A job fails as a whole only when a dependency is down; its units are idempotent, so it is
  // tried again within a minute rather than after the outbox's backoff of up to ten minutes.
  // Fair across tenants: a tenant runs at most JOB_TENANT_CONCURRENCY jobs at once (the others'
  // jobs take the free loops), and a job yields its turn after a slice when another tenant waits.
  const lane = { concurrency: 2, leaseMs: 2 * 60_000, perTenant: s.config.quotas.jobTenantConcurrency };
  return { kind: JOB_KIND, handler, lane, maxRetryDelayMs: 60_000 };
}

export const expiredIdSweep = (s: Services, everyMs = 60_000): PeriodicTask => ({ name: 'expired-id-sweeper', everyMs, run: () => sweepExpiredIds(s) });
