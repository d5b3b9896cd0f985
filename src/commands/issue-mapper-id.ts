// The conference mapper's ID for a Jitsi room (src/jitsi/): issued the first time a room is
// looked up, through the same allocator and quarantine as every ID, and kept alive while the
// room is looked up again. One issuer per integration at a time (an advisory lock), so the cap
// on live IDs holds under any concurrency, and two first lookups of one room get one ID.
import type { Conference } from '../domain/jitsi.js';
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit } from '../store/audit.js';
import { findIntegration, lockIssuing, type JitsiIntegrationRow } from '../store/jitsi-integrations.js';
import { findRoomByConference, touchRoom, upsertRoom } from '../store/jitsi-rooms.js';
import { roomNameChange } from '../directory/changes.js';
import { extendConferenceId, issueConferenceId, retireConferenceIds } from './conference-id-lifecycle.js';

const DAY_MS = 86_400_000;

/** When a mapper ID looked up `now` stops admitting callers. */
export const mapperExpiry = (s: Services, now = Date.now()) => new Date(now + s.config.jitsi.idLifetimeDays * DAY_MS);

/** The integration's ID for the room: its active one, or a new one. `issued`: it is new. */
export async function issueMapperId(s: Services, integrationId: string, conference: Conference): Promise<{ conferenceId: number; issued: boolean }> {
  return s.db.transaction(async (tx) => {
    await lockIssuing(tx, integrationId);
    // read again under the lock: a deletion or a change may have committed meanwhile
    const integration = await findIntegration(tx, integrationId);
    if (!integration) throw notFound('Jitsi integration');
    if (!integration.muc_domains.includes(conference.domain)) throw new AppError('validation_failed', `${conference.domain} is not a MUC domain of this integration`);
    const existing = await findRoomByConference(tx, integration.id, conference.jid);
    const now = Date.now();
    if (existing?.conference_id && (existing.expires_at === null || existing.expires_at.getTime() > now)) {
      return { conferenceId: existing.conference_id, issued: false }; // another first lookup won the race
    }
    if (existing?.conference_id) {
      // expired but not yet swept: retire it as the sweeper would, so the room may get a new one
      await retireConferenceIds(s, tx, { ownerKind: 'room', ownerId: existing.id }, 'expired');
    }
    if (integration.live_ids >= integration.max_live_ids) {
      throw new AppError('quota_exceeded', `this integration already holds ${integration.max_live_ids} live conference IDs, its limit; IDs of rooms not looked up for ${s.config.jitsi.idLifetimeDays} days expire, or an admin may reset some`);
    }
    const room = await upsertRoom(tx, { integrationId: integration.id, tenantId: integration.tenant_id, bridgeId: integration.bridge_id, conference: conference.jid });
    s.directory.stage(tx, [roomNameChange(s.keys, room)]);
    const id = await issueConferenceId(s, tx, {
      bridgeId: integration.bridge_id, tenantId: integration.tenant_id, ownerKind: 'room', ownerId: room.id, leaderUserId: null, expiresAt: mapperExpiry(s, now),
    });
    await recordAudit(tx, {
      tenantId: integration.tenant_id, actor: mapperActor(integration), action: 'conference_id.issued', target: { type: 'jitsi_room', id: room.id },
      details: { conferenceId: String(id.conference_id), conference: conference.jid, integrationId: integration.id },
    });
    return { conferenceId: id.conference_id, issued: true };
  });
}

/**
 * A lookup of a room that has an ID: its life runs `JITSI_ID_LIFETIME_DAYS` from now again.
 * Not audited: it changes no one's access, only postpones an expiry (and would flood the trail).
 */
export async function extendMapperId(s: Services, roomId: string): Promise<void> {
  await s.db.transaction(async (tx) => {
    await touchRoom(tx, roomId);
    await extendConferenceId(s, tx, { kind: 'room', id: roomId }, mapperExpiry(s));
  });
}

/** Who the audit trail names for what the public mapper did. */
export const mapperActor = (i: Pick<JitsiIntegrationRow, 'id' | 'name'>) => ({ apiKeyId: null, name: `Jitsi integration "${i.name}" (${i.id})` });
