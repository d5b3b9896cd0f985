// Sending mail: nodemailer over SMTP_URL. Without SMTP_URL there is no mailer and the email
// handler marks messages undeliverable (and logs them, without their content).
import nodemailer, { type Transporter } from 'nodemailer';
import { PermanentFailure } from '../outbox/worker.js';

export interface OutgoingMail {
  /** Stable per outbox row, so a resend after a crash is recognisably the same message. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** An iCalendar REQUEST (meeting invitations). */
  calendar?: { content: string; filename: string };
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string, timeouts = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 30_000 }) {
    // One connection per message: a broken pooled connection cannot swallow a message, and the
    // timeouts bound one attempt well inside the worker's lease.
    // (the second argument of createTransport holds message defaults, so options go with the url)
    this.#transport = nodemailer.createTransport({
      url: smtpUrl,
      connectionTimeout: timeouts.connectionMs,
      greetingTimeout: timeouts.greetingMs,
      socketTimeout: timeouts.socketMs,
    } as Parameters<typeof nodemailer.createTransport>[0]);
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.#transport.sendMail({
        from: this.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        ...(mail.calendar ? { icalEvent: { method: 'REQUEST', filename: mail.calendar.filename, content: mail.calendar.content } } : {}),
      });
    } catch (err) {
      throw isPermanent(err) ? new PermanentFailure(`SMTP refused the message for good: ${(err as Error).message}`) : err;
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/** 5xx replies are final (RFC 5321 4.2.1); 4xx replies and network errors are worth retrying. */
export function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
