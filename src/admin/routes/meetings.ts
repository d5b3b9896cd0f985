// /api/v1/tenants/{t}/users/{u}/meetings: schedule, read, and the invitation as iCalendar.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { parse, uuidParam } from '../../http/validate.js';
import type { Services } from '../../services.js';
import { findMeeting } from '../../store/meetings.js';
import { scheduleMeeting } from '../../commands/schedule-meeting.js';
import { buildInvitationIcs } from '../../meetings/ics.js';
import { invitationOf, presentMeeting } from '../../meetings/view.js';
import { principalOf, tenantInReach } from '../access.js';

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

const target = (req: Request, res: Response) => ({ tenantId: tenantInReach(req, res), userId: uuidParam(req.params.userId, 'user') });

export function meetingRoutes(s: Services): Router {
  const r = Router();
  const base = '/tenants/:tenantId/users/:userId/meetings';

  r.post(base, async (req, res) => {
    const t = target(req, res);
    const body = parse(scheduleMeetingBody, req.body);
    const meeting = await scheduleMeeting(s, principalOf(res), { ...t, ...body, endsAt: body.endsAt ?? null });
    res.status(201).location(`/api/v1/tenants/${t.tenantId}/users/${t.userId}/meetings/${meeting.id}`).json(presentMeeting(meeting));
  });

  const load = async (req: Request, res: Response) => {
    const t = target(req, res);
    const meeting = await findMeeting(s.db, t.tenantId, t.userId, uuidParam(req.params.meetingId, 'meeting'));
    if (!meeting) throw notFound('meeting');
    return meeting;
  };

  r.get(`${base}/:meetingId`, async (req, res) => {
    res.json(presentMeeting(await load(req, res)));
  });

  r.get(`${base}/:meetingId/invitation.ics`, async (req, res) => {
    const meeting = await load(req, res);
    const { rows } = await s.db.query<{ display_name: string; email: string }>('SELECT display_name, email FROM users WHERE id = $1', [meeting.organizer_id]);
    const organizer = rows[0]!;
    res.type('text/calendar; charset=utf-8; method=REQUEST')
      .set('content-disposition', 'inline; filename="invitation.ics"')
      .send(buildInvitationIcs(invitationOf(meeting, { name: organizer.display_name, email: organizer.email }, s.config.publicBaseUrl)));
  });
  return r;
}

