// Assembles the outbox worker of this service from what each domain registers: emails, meeting
// invitations and jobs (message kinds with their lanes), and the periodic expired-ID sweeper and
// outbox pruner.
import type { Services } from './services.js';
import { emailMessages } from './email/handler.js';
import { SmtpMailer, type Mailer } from './email/mailer.js';
import { expiredIdSweep, jobMessages } from './jobs/registration.js';
import type { JobRunnerOptions } from './jobs/runner.js';
import { invitationMessages } from './meetings/invitations.js';
import { outboxPruner } from './outbox/pruner.js';
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
  const kinds = [emailMessages(s, mailer), invitationMessages(s, mailer), jobMessages(s, options.jobs)];
  const worker = new OutboxWorker(s, kinds, {
    ...options,
    periodic: options.periodic ?? [expiredIdSweep(s, options.sweepEveryMs), outboxPruner(s, options.sweepEveryMs)],
  });
  return {
    worker,
    async stop() {
      await worker.stop();
      mailer?.close();
    },
  };
}
