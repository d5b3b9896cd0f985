// Delivers the 'email' outbox kind (notifications.ts): opens the sealed PIN only for the
// templates that carry one, renders, sends. Without a mailer the message is logged (subject
// and address, never the body) and marked undeliverable; either way the PIN is then erased.
import { EMAIL_KIND, sealedPinContext, type EmailPayload } from './messages.js';
import type { Services } from '../services.js';
import type { ClaimedMessage } from '../store/outbox-claims.js';
import type { Mailer } from './mailer.js';
import { PermanentFailure, type HandlerContext, type MessageHandler, type MessageKind, type Outcome } from '../outbox/worker.js';
import { renderUserEmail, TEMPLATES_WITH_PIN } from './templates.js';

/** <outbox-42@example.com>: the same for every attempt of one row. */
export function messageIdFor(outboxId: string, emailFrom: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(emailFrom)?.[1] ?? 'localhost';
  return `<outbox-${outboxId}@${domain}>`;
}

export function userEmailHandler(s: Services, mailer: Mailer | null): MessageHandler {
  return {
    async handle(m: ClaimedMessage, ctx: HandlerContext): Promise<Outcome> {
      const payload = m.payload as unknown as EmailPayload;
      let pin: string | null = null;
      if (TEMPLATES_WITH_PIN.has(payload.template) && m.secret) {
        pin = openPin(s, m.secret, m.id, payload.to);
      }
      if (payload.template === 'leader_pin_reset' && pin === null) throw new PermanentFailure('the PIN this email must carry is no longer held');
      const mail = renderUserEmail(payload, pin);
      if (!mailer) {
        ctx.log.warn({ to: payload.to, subject: mail.subject, template: payload.template }, 'SMTP_URL is not set: email not sent, marked undeliverable');
        return { status: 'undeliverable', reason: 'SMTP_URL is not set' };
      }
      await mailer.send({ messageId: messageIdFor(m.id, s.config.emailFrom), to: payload.to, ...mail });
      return { status: 'sent' };
    },
  };
}

/** The sealed PIN of row `id` to `to`; a row queued before PINs were bound to their row opens as it was sealed. */
function openPin(s: Services, sealed: Buffer, id: string, to: string): string {
  for (const context of [sealedPinContext(id, to), EMAIL_KIND]) {
    try {
      return s.secrets.open(sealed, context);
    } catch {
      // the next context, or refused below
    }
  }
  throw new PermanentFailure('the sealed PIN cannot be opened (SECRETS_KEY changed, or it was moved to another message or recipient)');
}

/** The 'email' kind, as registered with the outbox worker. */
export function emailMessages(s: Services, mailer: Mailer | null): MessageKind {
  return { kind: EMAIL_KIND, handler: userEmailHandler(s, mailer), lane: { concurrency: 2, leaseMs: 5 * 60_000 } };
}
