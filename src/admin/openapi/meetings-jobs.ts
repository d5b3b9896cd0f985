// The contract's meeting and job routes, documented here from CONTRACT.md so that the document
// covers them as soon as their route groups are mounted. A group that passes its own operations
// through documented() replaces these (same method and path); prefer that, with the schemas
// that really validate the requests.
import { z } from 'zod';
import type { Operation } from './document.js';

const USER = '/tenants/:tenantId/users/:userId';
const uuid = z.string().meta({ format: 'uuid' });

const scheduleMeetingBody = z.strictObject({
  subject: z.string().min(1).max(200),
  startsAt: z.string().meta({ format: 'date-time', description: 'may lie in the past (imported meetings)' }),
  endsAt: z.string().meta({ format: 'date-time' }).optional(),
  attendees: z.array(z.string().meta({ format: 'email' })).optional(),
});

const bulkResetBody = z.strictObject({
  userIds: z.array(uuid).optional(),
  all: z.literal(true).optional(),
  sendEmail: z.boolean().optional(),
});

export const meetingOperations: Operation[] = [
  {
    method: 'post', path: `${USER}/meetings`, tag: 'Meetings', access: 'tenant', summary: 'Schedule a meeting',
    description: 'In a static tenant the meeting carries the organizer\'s ID; in a dynamic tenant it gets its own, which expires 60 days after the meeting ends (or starts, when it has no end).',
    body: scheduleMeetingBody, responses: { 201: { description: 'Scheduled', schema: 'Meeting' } },
  },
  { method: 'get', path: `${USER}/meetings/:meetingId`, tag: 'Meetings', access: 'tenant', summary: 'Read a meeting', responses: { 200: { description: 'The meeting', schema: 'Meeting' } } },
  {
    method: 'get', path: `${USER}/meetings/:meetingId/invitation.ics`, tag: 'Meetings', access: 'tenant', summary: 'The meeting\'s invitation (iCalendar)',
    responses: { 200: { description: 'The invitation', schema: z.string(), contentType: 'text/calendar' } },
  },
];

export const jobOperations: Operation[] = [
  {
    method: 'post', path: '/tenants/:tenantId/conference-id-resets', tag: 'Jobs', access: 'tenant', summary: 'Reset the conference IDs of many users',
    description: 'Either `userIds` or `all: true`. Runs in the background; follow it with GET /jobs/{jobId}.',
    body: bulkResetBody, responses: { 202: { description: 'Accepted', schema: 'JobAccepted' } },
  },
  { method: 'get', path: '/jobs/:jobId', tag: 'Jobs', access: 'tenant', summary: 'A background job\'s progress', responses: { 200: { description: 'The job', schema: 'Job' } } },
];
