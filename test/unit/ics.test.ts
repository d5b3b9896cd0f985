// The invitation's iCalendar text (RFC 5545): line endings, folding, escaping, identity.
import { describe, expect, it } from 'vitest';
import { buildInvitationIcs, escapeText, foldLine, paramValue, type Invitation } from '../../src/meetings/ics.js';

const base: Invitation = {
  meetingId: '6f0c3f3e-0000-4000-8000-000000000001', uidDomain: 'attendant.example.com', subject: 'Plan; budget, Q3 \\ review',
  startsAt: new Date('2030-05-01T09:00:00Z'), endsAt: new Date('2030-05-01T10:00:00Z'), sequence: 2, conferenceId: '1234567',
  numbers: [{ number: '+14155550123', type: 'toll', city: 'San Francisco', country: 'US' }, { number: '+18005550199', type: 'toll_free', city: null, country: null }],
  organizer: { name: 'Doe, Jane', email: 'jane@example.com' }, attendees: ['a@example.com'], stamp: new Date('2030-04-01T00:00:00Z'),
};

describe('invitation.ics', () => {
  it('is a REQUEST with a stable UID, the sequence and the dial-in details, in CRLF lines of at most 75 octets', () => {
    const ics = buildInvitationIcs(base);
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const unfolded = ics.replace(/\r\n[ \t]/g, '');
    expect(unfolded).toContain('METHOD:REQUEST');
    expect(unfolded).toContain(`UID:${base.meetingId}@attendant.example.com`);
    expect(unfolded).toContain('SEQUENCE:2');
    expect(unfolded).toContain('DTSTART:20300501T090000Z');
    expect(unfolded).toContain('DTEND:20300501T100000Z');
    expect(unfolded).toContain('SUMMARY:Plan\\; budget\\, Q3 \\\\ review');
    expect(unfolded).toContain('LOCATION:+1 415 555 0123\\, conference ID 1234567');
    expect(unfolded).toMatch(/DESCRIPTION:.*Toll \(San Francisco\\, US\): \+1 415 555 0123\\n.*Toll-free: \+1 800 555 0199.*Conference ID: 1234567#/);
    expect(unfolded).toContain('ORGANIZER;CN="Doe, Jane":mailto:jane@example.com');
    expect(unfolded).toContain('ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:a@example.com');
    expect(buildInvitationIcs({ ...base, sequence: 3 }).replace(/\r\n[ \t]/g, '')).toContain(`UID:${base.meetingId}@attendant.example.com`);
  });

  it('folds without splitting a UTF-8 character, and escapes text and parameters', () => {
    const line = 'SUMMARY:' + 'é'.repeat(80);
    const folded = foldLine(line);
    for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(escapeText('a\nb;c,d\\e')).toBe('a\\nb\\;c\\,d\\\\e');
    expect(paramValue('Plain Name')).toBe('Plain Name');
    expect(paramValue('a"b:c')).toBe('"ab:c"');
  });

  it('leaves DTEND out when the meeting has no end', () => {
    expect(buildInvitationIcs({ ...base, endsAt: null })).not.toContain('DTEND');
  });
});
