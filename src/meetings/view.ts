// A meeting as the API shows it and as its invitation says it.
import type { MeetingView } from '../store/meetings.js';
import type { Invitation, InvitationNumber } from './ics.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function meetingNumbers(m: MeetingView): InvitationNumber[] {
  const out: InvitationNumber[] = [];
  if (m.toll_number) out.push({ number: m.toll_number, type: 'toll', city: m.toll_city, country: m.toll_country });
  if (m.toll_free_number) out.push({ number: m.toll_free_number, type: 'toll_free', city: m.toll_free_city, country: m.toll_free_country });
  return out;
}

export const presentMeeting = (m: MeetingView) => ({
  id: m.id,
  organizerId: m.organizer_id,
  subject: m.subject,
  startsAt: iso(m.starts_at),
  endsAt: iso(m.ends_at),
  attendees: m.attendees,
  conferenceId: m.conference_id,
  dialInNumbers: meetingNumbers(m),
  expiresAt: iso(m.expires_at),
  invitationSequence: m.invitation_sequence,
});

/** The host of PUBLIC_BASE_URL names the service in calendar UIDs. */
export function uidDomain(publicBaseUrl: string): string {
  try {
    return new URL(publicBaseUrl).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}

export function invitationOf(m: MeetingView, organizer: { name: string; email: string }, publicBaseUrl: string, stamp = new Date()): Invitation {
  return {
    meetingId: m.id,
    uidDomain: uidDomain(publicBaseUrl),
    subject: m.subject,
    startsAt: m.starts_at,
    endsAt: m.ends_at,
    sequence: m.invitation_sequence,
    conferenceId: m.conference_id,
    numbers: meetingNumbers(m),
    organizer,
    attendees: m.attendees,
    stamp,
  };
}
