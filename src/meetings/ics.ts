// The meeting invitation as an iCalendar object (RFC 5545): METHOD:REQUEST, a UID that never
// changes for a meeting and a SEQUENCE that grows with each update, so calendars replace the
// event rather than add a second one. Lines end in CRLF and are folded at 75 octets.
import { formatPhoneNumber } from '../email/phone.js';

export interface InvitationNumber {
  number: string;
  type: 'toll' | 'toll_free';
  city: string | null;
  country: string | null;
}

export interface Invitation {
  meetingId: string;
  /** Host part of the UID; a domain the service controls. */
  uidDomain: string;
  subject: string;
  startsAt: Date;
  endsAt: Date | null;
  sequence: number;
  conferenceId: string;
  numbers: InvitationNumber[];
  organizer: { name: string; email: string };
  attendees: string[];
  /** DTSTAMP: when this version of the invitation was made. */
  stamp: Date;
}

/** TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** A parameter value: quoted when it holds ':', ';' or ','; DQUOTE and controls cannot appear at all. */
export function paramValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/["\u0000-\u001f\u007f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** Folds a content line into chunks of at most 75 octets, never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
      limit = 74; // continuation lines start with a space, which counts
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** 20250102T030405Z */
export function icsDateTime(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function dialInLabel(n: InvitationNumber): string {
  const place = [n.city, n.country].filter(Boolean).join(', ');
  return `${n.type === 'toll_free' ? 'Toll-free' : 'Toll'}${place ? ` (${place})` : ''}: ${formatPhoneNumber(n.number)}`;
}

/** What the description says: the numbers, the ID, and one-tap dial strings. */
export function dialInDescription(i: Pick<Invitation, 'numbers' | 'conferenceId'>): string {
  const lines = ['Join by phone'];
  for (const n of i.numbers) lines.push(dialInLabel(n));
  if (!i.numbers.length) lines.push('(no dial-in number is set up yet)');
  lines.push(`Conference ID: ${i.conferenceId}#`);
  const first = i.numbers[0];
  if (first) lines.push(`One tap: ${first.number},,${i.conferenceId}#`);
  return lines.join('\n');
}

export function buildInvitationIcs(i: Invitation): string {
  const first = i.numbers[0];
  const location = first ? `${formatPhoneNumber(first.number)}, conference ID ${i.conferenceId}` : `Conference ID ${i.conferenceId}`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Conference Attendant//Meetings//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${i.meetingId}@${i.uidDomain}`,
    `SEQUENCE:${i.sequence}`,
    `DTSTAMP:${icsDateTime(i.stamp)}`,
    `DTSTART:${icsDateTime(i.startsAt)}`,
    ...(i.endsAt ? [`DTEND:${icsDateTime(i.endsAt)}`] : []),
    `SUMMARY:${escapeText(i.subject)}`,
    `LOCATION:${escapeText(location)}`,
    `DESCRIPTION:${escapeText(dialInDescription(i))}`,
    `ORGANIZER;CN=${paramValue(i.organizer.name)}:mailto:${i.organizer.email}`,
    ...i.attendees.map((a) => `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${a}`),
    'STATUS:CONFIRMED',
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
