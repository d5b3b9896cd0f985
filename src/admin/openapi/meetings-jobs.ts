// The meeting, job and outbox-operator routes, documented with the schemas that validate them.
import { z } from 'zod';
import { bulkResetBody, numberMoveBody, tenantJobsQuery } from '../routes/jobs.js';
import { scheduleMeetingBody } from '../routes/meetings.js';
import { outboxListQuery } from '../routes/outbox.js';
import { Job, list, OutboxMessage, page } from './shapes.js';
import type { Operation } from './document.js';

const USER = '/tenants/:tenantId/users/:userId';

export const meetingOperations: Operation[] = [
  {
    method: 'post', path: `${USER}/meetings`, tag: 'Meetings', access: 'tenant', summary: 'Schedule a meeting',
    description: 'In a static tenant the meeting carries the organizer\'s ID; in a dynamic tenant it gets its own, which expires 60 days after the meeting ends (or starts, when it has no end). Attendees receive the invitation by email.',
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
    description: 'Either `userIds` or `all: true`. Runs in the background, each user once, surviving restarts; follow it with GET /jobs/{jobId}.',
    body: bulkResetBody, responses: { 202: { description: 'Accepted', schema: 'JobAccepted' } }, errors: ['not_supported'],
  },
  {
    method: 'post', path: '/bridges/:bridgeId/default-number-moves', tag: 'Jobs', access: 'platform', summary: 'Move users from one default number to another',
    description: 'Every user of the bridge whose default number is `from` gets `to` (both on the bridge, of one type); their meetings are updated.',
    body: numberMoveBody, responses: { 202: { description: 'Accepted', schema: 'JobAccepted' } },
  },
  { method: 'get', path: '/jobs/:jobId', tag: 'Jobs', access: 'tenant', summary: 'A background job\'s progress', responses: { 200: { description: 'The job', schema: 'Job' } } },
  { method: 'get', path: '/tenants/:tenantId/jobs', tag: 'Jobs', access: 'tenant', summary: 'A tenant\'s recent jobs', query: tenantJobsQuery, responses: { 200: { description: 'Newest first', schema: list(Job) } } },
];

export const outboxOperations: Operation[] = [
  { method: 'get', path: '/outbox/summary', tag: 'Operations', access: 'platform', summary: 'Outbox messages by status', responses: { 200: { description: 'Counts', schema: 'OutboxSummary' } } },
  {
    method: 'get', path: '/outbox', tag: 'Operations', access: 'platform', summary: 'Outbox messages of one status (dead by default)',
    description: 'Payloads and secrets are never shown.', query: outboxListQuery, responses: { 200: { description: 'A page, newest first', schema: page(OutboxMessage) } },
  },
  {
    method: 'post', path: '/outbox/:id/retry', tag: 'Operations', access: 'platform', summary: 'Send a dead or undeliverable message again',
    responses: { 202: { description: 'Queued again', schema: z.strictObject({ id: z.string(), status: z.literal('pending') }) } },
  },
];
