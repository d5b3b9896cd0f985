// Invitations to a meeting's attendees: one outbox row per attendee, written in the meeting's
// (or the migration's) transaction. The worker renders the meeting as it is when it sends, so
// a late retry never sends outdated details.
import type { Services } from '../services.js';
import type { Sql } from '../store/db.js';
import { findMeetingViewById } from '../store/meetings.js';
import { findContact } from '../store/users.js';
import { enqueue } from '../store/outbox.js';
import type { ClaimedMessage } from '../store/outbox-claims.js';
import type { Mailer } from '../email/mailer.js';
import { messageIdFor } from '../email/handler.js';
import { html, layout } from '../email/html.js';
import type { HandlerContext, MessageHandler, MessageKind, Outcome } from '../outbox/worker.js';
import { buildInvitationIcs, dialInDescription, icsDateTime } from './ics.js';
import { invitationOf, meetingNumbers } from './view.js';

export const INVITATION_KIND = 'meeting_invitation';

export interface InvitationPayload {
  meetingId: string;
  to: string;
  sequence: number;
}

export async function queueInvitations(sql: Sql, m: { id: string; tenant_id: string; attendees: string[] }, sequence: number): Promise<number> {
  for (const to of m.attendees) {
    await enqueue(sql, { kind: INVITATION_KIND, tenantId: m.tenant_id, payload: { meetingId: m.id, to, sequence } satisfies InvitationPayload });
  }
  return m.attendees.length;
}

export function invitationHandler(s: Services, mailer: Mailer | null): MessageHandler {
  return {
    async handle(msg: ClaimedMessage, ctx: HandlerContext): Promise<Outcome> {
      const p = msg.payload as unknown as InvitationPayload;
      const meeting = await findMeetingViewById(s.db, p.meetingId);
      const organizer = meeting && (await findContact(s.db, meeting.organizer_id));
      if (!meeting || !organizer) return { status: 'undeliverable', reason: 'the meeting no longer exists' };
      const inv = invitationOf(meeting, organizer, s.config.publicBaseUrl);
      const updated = meeting.invitation_sequence > 0;
      const subject = `${updated ? 'Updated invitation' : 'Invitation'}: ${meeting.subject}`;
      const when = `${meeting.starts_at.toUTCString()}${meeting.ends_at ? ` to ${meeting.ends_at.toUTCString()}` : ''}`;
      const details = dialInDescription({ numbers: meetingNumbers(meeting), conferenceId: meeting.conference_id });
      const intro = updated
        ? `${organizer.name} updated the dial-in details of this meeting. Use the details below; the previous ones no longer work.`
        : `${organizer.name} invites you to a meeting.`;
      const text = [intro, '', meeting.subject, when, '', details, ''].join('\n');
      const body = layout(subject, html`<p>${intro}</p><p><strong>${meeting.subject}</strong><br>${when}</p>
<p>${details.split('\n').map((line, k) => (k ? html`<br>${line}` : html`${line}`))}</p>`);
      if (!mailer) {
        ctx.log.warn({ to: p.to, subject }, 'SMTP_URL is not set: invitation not sent, marked undeliverable');
        return { status: 'undeliverable', reason: 'SMTP_URL is not set' };
      }
      await mailer.send({
        messageId: messageIdFor(msg.id, s.config.emailFrom), to: p.to, subject, text, html: body,
        calendar: { filename: `invitation-${icsDateTime(meeting.starts_at)}.ics`, content: buildInvitationIcs(inv) },
      });
      return { status: 'sent' };
    },
  };
}

/** The invitation kind, as registered with the outbox worker. */
export function invitationMessages(s: Services, mailer: Mailer | null): MessageKind {
  return { kind: INVITATION_KIND, handler: invitationHandler(s, mailer), lane: { concurrency: 2, leaseMs: 5 * 60_000 } };
}
