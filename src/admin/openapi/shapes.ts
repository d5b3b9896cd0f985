// The contract's response shapes as zod schemas: documented as OpenAPI components, and checked
// against real answers by the tests (test/docs/), so the document cannot drift from the API.
import { z } from 'zod';
import { CONFERENCE_ID_PATTERN } from '../../domain/conference-ids.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors.js';

const id = z.uuid();
const timestamp = z.iso.datetime({ offset: true });
const e164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/);
const conferenceId = z.string().regex(CONFERENCE_ID_PATTERN);

export const Bridge = z.strictObject({
  id,
  name: z.string(),
  defaultTollNumber: e164.nullable(),
  defaultTollFreeNumber: e164.nullable(),
  createdAt: timestamp,
});

export const DialInNumber = z.strictObject({
  number: e164,
  bridgeId: id,
  type: z.enum(['toll', 'toll_free']),
  primaryLanguage: z.string(),
  secondaryLanguages: z.array(z.string()).max(4),
  city: z.string().nullable(),
  country: z.string().nullable(),
  speechInput: z.boolean(),
});

export const Tenant = z.strictObject({
  id,
  name: z.string(),
  bridgeId: id,
  conferenceIdMode: z.enum(['static', 'dynamic']),
  sendEmailByDefault: z.boolean(),
  pinLength: z.int().min(4).max(12),
  allowCallersToStartMeeting: z.boolean(),
  entryExitAnnouncements: z.enum(['tones', 'off']),
  createdAt: timestamp,
});

const userFields = {
  id,
  tenantId: id,
  email: z.string(),
  displayName: z.string(),
  provider: z.enum(['builtin', 'third_party']),
  conferenceId: conferenceId.nullable().describe('null in a dynamic-ID tenant'),
  conferenceIdUpdatedAt: timestamp.nullable(),
  tollNumber: e164.nullable().describe('printed on invitations: the bridge default, or the provider\'s for a third-party user'),
  tollFreeNumber: e164.nullable(),
  createdAt: timestamp,
};
export const User = z.strictObject(userFields);

export const EnabledUser = z.strictObject({
  ...userFields,
  leaderPin: z.string().regex(/^[0-9]{4,12}$/).optional().describe('builtin users only, in this response only'),
  emailQueued: z.boolean(),
});

export const ConferenceIdChange = z.strictObject({
  conferenceId,
  previousConferenceId: conferenceId.nullable(),
  emailQueued: z.boolean(),
});

export const LeaderPinReset = z.strictObject({
  leaderPin: z.string().regex(/^[0-9]{4,12}$/).describe('shown once'),
  emailQueued: z.boolean(),
});

export const EmailQueued = z.strictObject({ emailQueued: z.literal(true) });

export const ApiKeyCreated = z.strictObject({
  id,
  key: z.string().describe('the key itself: it appears only in this response'),
  name: z.string(),
  tenantId: id.nullable(),
  readOnly: z.boolean(),
  createdAt: timestamp,
});

export const Me = z.strictObject({
  apiKeyId: id.nullable().describe('null for the bootstrap key'),
  name: z.string(),
  tenantId: id.nullable().describe('null for a platform key'),
  readOnly: z.boolean(),
});

export const AuditEvent = z.strictObject({
  id,
  at: timestamp,
  actor: z.strictObject({ apiKeyId: id.nullable(), name: z.string() }),
  action: z.string().describe('e.g. user.enabled, user.disabled, conference_id.reset, conference_id.set, leader_pin.reset, conference_info.sent, tenant.updated'),
  target: z.strictObject({ type: z.string(), id: z.string() }),
  details: z.record(z.string(), z.unknown()),
});

export const Job = z.strictObject({
  id,
  kind: z.enum(['conference_id_reset', 'meeting_migration', 'default_number_move']),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  total: z.int(),
  succeeded: z.int(),
  failed: z.int(),
  errors: z.array(z.strictObject({ unitId: z.string().nullable(), message: z.string() })).describe('the first 100 failed units (and a job-level error, unitId null)'),
  tenantId: id.nullable(),
  bridgeId: id.nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
});

export const JobAccepted = z.strictObject({ jobId: id, total: z.int().describe('units the job will run') });

export const OutboxSummary = z.strictObject({ byStatus: z.record(z.string(), z.int()) });

export const OutboxMessage = z.strictObject({
  id: z.string().describe('the message number'),
  kind: z.string(),
  template: z.string().nullable(),
  tenantId: id.nullable(),
  status: z.enum(['pending', 'sent', 'dead', 'undeliverable']),
  attempts: z.int(),
  lastError: z.string().nullable(),
  createdAt: timestamp,
  doneAt: timestamp.nullable(),
});

export const Meeting = z.strictObject({
  id,
  organizerId: id,
  subject: z.string(),
  startsAt: timestamp,
  endsAt: timestamp.nullable(),
  attendees: z.array(z.string()),
  conferenceId: conferenceId.nullable(),
  dialInNumbers: z.array(z.strictObject({ number: e164, type: z.enum(['toll', 'toll_free']), city: z.string().nullable(), country: z.string().nullable() })),
  expiresAt: timestamp.nullable(),
  invitationSequence: z.int().min(0),
});

export const Destination = z.strictObject({
  scope: z.enum(['tenant', 'bridge', 'default']).describe('whose destination this is; default: none is set, Twilio conference rooms'),
  kind: z.enum(['twilio', 'sip']),
  uriTemplate: z.string().nullable(),
  roomHeader: z.string().nullable().describe('the X- header that carries the room\'s name'),
  roleHeader: z.string().nullable().describe('an X- header that says "leader" or "participant"'),
  sipAuth: z.strictObject({ username: z.string() }).nullable().describe('the password is never returned'),
  roomPassword: z.strictObject({ header: z.string() }).nullable().describe('the password is never returned'),
  updatedAt: timestamp.nullable(),
});

export const JitsiIntegration = z.strictObject({
  id,
  tenantId: id,
  name: z.string(),
  mucDomains: z.array(z.string()),
  allowedOrigins: z.array(z.string()),
  maxLiveIds: z.int(),
  liveIds: z.int().describe('conference IDs its rooms hold now'),
  dialInConfCodeUrl: z.string().describe('for Jitsi Meet\'s config.js'),
  dialInNumbersUrl: z.string().describe('for Jitsi Meet\'s config.js (add ?format=legacy for the old { numbersEnabled, numbers } form)'),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const MapperRoom = z.strictObject({
  id,
  conference: z.string().describe('room@muc-domain, as Jitsi Meet names it'),
  conferenceId: conferenceId.nullable().describe('null once reset or expired'),
  expiresAt: timestamp.nullable(),
  lastLookupAt: timestamp,
  createdAt: timestamp,
});

export const MapperIdReset = z.strictObject({ previousConferenceId: conferenceId.nullable() });

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.enum(Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]]),
  errors: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional().describe('validation_failed: each bad field'),
  instance: z.string().optional(),
});

/** Named components of the document; operations refer to them by name. */
export const SHAPES = {
  Bridge, DialInNumber, Tenant, User, EnabledUser, ConferenceIdChange, LeaderPinReset, EmailQueued,
  ApiKeyCreated, Me, AuditEvent, Job, JobAccepted, Meeting, OutboxSummary, OutboxMessage, Destination, JitsiIntegration, MapperRoom,
  MapperIdReset, Problem,
} as const;
export type ShapeName = keyof typeof SHAPES;

/** `{ items, nextCursor }` pages and `{ items }` lists. */
export const page = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
export const list = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });
