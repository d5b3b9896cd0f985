// /api/v1/tenants/{t}/users/{u}/meetings: schedule, read, and the invitation as iCalendar.
import { z } from 'zod';
import { scheduleMeeting } from '../../commands/schedule-meeting.js';
import { notFound } from '../../errors.js';
import { buildInvitationIcs } from '../../meetings/ics.js';
import { invitationOf, presentMeeting } from '../../meetings/view.js';
import type { Services } from '../../services.js';
import { findMeeting } from '../../store/meetings.js';
import { findContact } from '../../store/users.js';
import { endpoint, reply } from '../endpoint.js';

const MEETINGS = '/tenants/:tenantId/users/:userId/meetings';

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2025-03-01T09:00:00Z' }).transform((v) => new Date(v));
/** Attendees once each, compared without case, in the order given. */
function firstOfEach(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((a) => !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()));
}
const noControls = (v: string) => !/[\u0000-\u001f\u007f]/.test(v);

export const scheduleMeetingBody = z.strictObject({
  subject: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters').refine(noControls, 'must not contain control characters'),
  startsAt: instant,
  endsAt: instant.optional(),
  attendees: z.array(z.email('must be an email address').max(320)).max(250, 'at most 250 attendees').default([])
    .transform(firstOfEach),
}).refine((b) => !(b.endsAt instanceof Date && b.startsAt instanceof Date) || b.endsAt.getTime() >= b.startsAt.getTime(), {
  path: ['endsAt'], message: 'must not be before startsAt',
});

async function load(s: Services, params: Record<string, string>) {
  const meeting = await findMeeting(s.db, params.tenantId!, params.userId!, params.meetingId!);
  if (!meeting) throw notFound('meeting');
  return meeting;
}

export const meetingEndpoints = [
  endpoint({
    method: 'post', path: MEETINGS, access: 'tenant', tag: 'Meetings', summary: 'Schedule a meeting',
    description: 'In a static tenant the meeting carries the organizer\'s ID; in a dynamic tenant it gets its own, which expires 60 days after the meeting ends (or starts, when it has no end). Attendees receive the invitation by email.',
    body: scheduleMeetingBody, errors: ['quota_exceeded'], responses: { 201: { description: 'Scheduled', schema: 'Meeting' } },
    example: (x) => ({ body: { subject: 'Weekly planning', startsAt: x.inHours(24), endsAt: x.inHours(25), attendees: [] } }),
    handle: async ({ s, principal, params, body }) => {
      const meeting = await scheduleMeeting(s, principal, { tenantId: params.tenantId!, userId: params.userId!, ...body, endsAt: body.endsAt ?? null });
      return reply(201, presentMeeting(meeting), { Location: `/api/v1/tenants/${params.tenantId}/users/${params.userId}/meetings/${meeting.id}` });
    },
  }),
  endpoint({
    method: 'get', path: `${MEETINGS}/:meetingId`, access: 'tenant', tag: 'Meetings', summary: 'Read a meeting',
    responses: { 200: { description: 'The meeting', schema: 'Meeting' } },
    handle: async ({ s, params }) => reply(200, presentMeeting(await load(s, params))),
  }),
  endpoint({
    method: 'get', path: `${MEETINGS}/:meetingId/invitation.ics`, access: 'tenant', tag: 'Meetings', summary: 'The meeting\'s invitation (iCalendar)',
    responses: { 200: { description: 'The invitation', schema: z.string(), contentType: 'text/calendar' } },
    handle: async ({ s, params }) => {
      const meeting = await load(s, params);
      const organizer = (await findContact(s.db, meeting.organizer_id))!;
      return {
        status: 200, contentType: 'text/calendar; charset=utf-8; method=REQUEST', headers: { 'Content-Disposition': 'inline; filename="invitation.ics"' },
        text: buildInvitationIcs(invitationOf(meeting, organizer, s.config.publicBaseUrl)),
      };
    },
  }),
];
