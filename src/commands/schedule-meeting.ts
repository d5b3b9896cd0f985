// Schedules a meeting. In a static tenant it carries the organizer's ID (moved along when that
// ID changes, see migration.ts); in a dynamic tenant it gets an ID of its own that expires 60
// days after the meeting ends (or starts, without an end). Attendees get the invitation by email.
import { randomUUID } from 'node:crypto';
import { AppError, notFound, validationFailed } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findTenant } from '../store/tenants.js';
import { findUser, userConferenceId, userTollFreeNumber, userTollNumber, userVersion } from '../store/users.js';
import { findMeetingViewById, insertMeeting, type MeetingView } from '../store/meetings.js';
import { leaderPinChange } from '../directory/changes.js';
import { queueInvitations } from '../meetings/invitations.js';
import { issueConferenceId } from './conference-id-lifecycle.js';
import { reserveQuota } from './quotas.js';

export const DYNAMIC_ID_LIFETIME_DAYS = 60;
const DAY_MS = 86_400_000;

export interface ScheduleMeetingInput {
  tenantId: string;
  userId: string;
  subject: string;
  startsAt: Date;
  endsAt: Date | null;
  attendees: string[];
}

export function dynamicIdExpiry(startsAt: Date, endsAt: Date | null): Date {
  return new Date((endsAt ?? startsAt).getTime() + DYNAMIC_ID_LIFETIME_DAYS * DAY_MS);
}

export async function scheduleMeeting(s: Services, actor: Actor, input: ScheduleMeetingInput): Promise<MeetingView> {
  const maxAttendees = s.config.quotas.maxAttendeesPerMeeting;
  if (input.attendees.length > maxAttendees) throw validationFailed('attendees', `at most ${maxAttendees} attendees per meeting`);
  const tenant = await findTenant(s.db, input.tenantId);
  if (!tenant) throw notFound('tenant');
  return s.db.transaction(async (tx) => {
    // The organizer's lock orders this against an ID change: the meeting either gets the new ID
    // or is seen (and moved) by the change's migration job.
    const user = await findUser(tx, tenant.id, input.userId, { lock: true });
    if (!user) throw notFound('user');
    const id = randomUUID();
    let conferenceId = userConferenceId(user);
    let expiresAt: Date | null = null;
    const ownId = user.provider === 'builtin' && tenant.conference_id_mode === 'dynamic';
    if (ownId) {
      expiresAt = dynamicIdExpiry(input.startsAt, input.endsAt);
      const row = await issueConferenceId(s, tx, {
        bridgeId: tenant.bridge_id, tenantId: tenant.id, ownerKind: 'meeting', ownerId: id, leaderUserId: user.id, expiresAt,
      });
      conferenceId = String(row.conference_id);
      // the meeting's room is led with the organizer's PIN
      const { version, leader_pin_hash } = await userVersion(tx, user.id);
      s.directory.stage(tx, [leaderPinChange(s.keys, { bridge_id: tenant.bridge_id, owner_kind: 'meeting', owner_id: id, leader_pin_hash, version }, false)]);
    }
    if (conferenceId === null) throw new AppError('not_supported', 'the organizer has no conference ID to put on the meeting');
    await insertMeeting(tx, {
      id, tenantId: tenant.id, organizerId: user.id, subject: input.subject, startsAt: input.startsAt, endsAt: input.endsAt,
      attendees: input.attendees, idKind: ownId ? 'own' : 'organizer', conferenceId,
      tollNumber: userTollNumber(user), tollFreeNumber: userTollFreeNumber(user), expiresAt,
    });
    const invited = await queueInvitations(tx, { id, tenant_id: tenant.id, attendees: input.attendees }, 0);
    await recordAudit(tx, {
      tenantId: tenant.id, actor, action: 'meeting.scheduled', target: { type: 'meeting', id },
      details: { organizerId: user.id, conferenceId, ownId, invitationsQueued: invited },
    });
    await reserveQuota(s, tx, actor, tenant.id, 'emails', invited);
    return (await findMeetingViewById(tx, id))!;
  });
}
