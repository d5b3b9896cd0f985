// Assembles the outbox worker of this service: emails, meeting invitations, jobs (meeting
// migration, bulk resets, default-number moves) and the expired-ID sweeper.
import type { Services } from './services.js';
import { EMAIL_KIND } from './email/messages.js';
import { INVITATION_KIND, invitationHandler } from './meetings/invitations.js';
import { meetingMigrationUnits } from './jobs/meeting-migration.js';
import { sweepExpiredIds } from './commands/retire-expired-ids.js';
import { bulkResetUnits } from './jobs/bulk-reset.js';
import { defaultNumberMoveUnits } from './jobs/default-number-move.js';
import { jobHandler, type JobRunnerOptions } from './jobs/runner.js';
import { JOB_KIND } from './store/jobs.js';
import { pruneSettled } from './store/outbox-claims.js';
import { userEmailHandler } from './email/handler.js';
import { SmtpMailer, type Mailer } from './email/mailer.js';
import { OutboxWorker, type WorkerOptions } from './outbox/worker.js';

export interface BuildWorkerOptions extends WorkerOptions {
  /** Replaces the mailer built from SMTP_URL (null: no mail, as without SMTP_URL). */
  mailer?: Mailer | null;
  jobs?: JobRunnerOptions;
  sweepEveryMs?: number;
}

export function buildOutboxWorker(s: Services, options: BuildWorkerOptions = {}): { worker: OutboxWorker; stop(): Promise<void> } {
  const mailer = options.mailer !== undefined ? options.mailer : s.config.smtpUrl ? new SmtpMailer(s.config.smtpUrl, s.config.emailFrom) : null;
  if (!mailer) s.log.warn('SMTP_URL is not set: emails are logged and marked undeliverable');
  const worker = new OutboxWorker(s, {
    [EMAIL_KIND]: userEmailHandler(s, mailer),
    [INVITATION_KIND]: invitationHandler(s, mailer),
    [JOB_KIND]: jobHandler(s, {
      meeting_migration: meetingMigrationUnits,
      conference_id_reset: bulkResetUnits,
      default_number_move: defaultNumberMoveUnits,
    } as never, options.jobs),
  }, {
    ...options,
    periodic: options.periodic ?? [
      { name: 'expired-id-sweeper', everyMs: options.sweepEveryMs ?? 60_000, run: () => sweepExpiredIds(s).then(() => undefined) },
      // settled messages hold addresses and names: keep them no longer than operators need them
      { name: 'outbox-pruner', everyMs: options.sweepEveryMs ?? 60_000, run: () => pruneSettled(s.db, { sentDays: 30, problemDays: 90, limit: 5000 }).then(() => undefined) },
    ],
  });
  return {
    worker,
    async stop() {
      await worker.stop();
      mailer?.close();
    },
  };
}
