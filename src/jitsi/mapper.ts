// GET /jitsi/{integrationId}/conferenceMapper, as jitsi-meet's resources/cloud-api.swagger
// describes it (GETconferenceMapper): `?conference=room@muc` answers { conference, id },
// issuing the room's ID the first time and the same one after; `?id=` answers the conference
// of a live ID of this integration, or { conference: false }. Jitsi Meet's client requests
// `dialInConfCodeUrl?conference=<room>@<muc>&url=<page>` and reads conference, id and message
// (react/features/invite/_utils.ts and actions.any.ts, updateDialInNumbers).
import { CONFERENCE_ID_PATTERN } from '../domain/conference-ids.js';
import { parseConference } from '../domain/jitsi.js';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import type { JitsiIntegrationRow } from '../store/jitsi-integrations.js';
import { findRoomByConference, findRoomByConferenceId } from '../store/jitsi-rooms.js';
import { extendMapperId, issueMapperId } from '../commands/issue-mapper-id.js';
import { limitNewIds } from './limits.js';
import type { Query } from './query.js';

export type MapperAnswer = { conference: string; id: number } | { conference: false };

/** A looked-up room's ID is given another full lifetime at most this often (a write per room per hour at most). */
const EXTEND_EVERY_MS = 3_600_000;

export async function conferenceMapper(s: Services, integration: JitsiIntegrationRow, q: Query): Promise<MapperAnswer> {
  const conference = q.single('conference');
  if (conference !== null) return byConference(s, integration, conference);
  const id = q.single('id');
  if (id !== null) return byId(s, integration, id);
  throw badRequest('conference', 'send conference=<room>@<muc-domain> (or id=<7-digit conference ID>)');
}

async function byConference(s: Services, integration: JitsiIntegrationRow, value: string): Promise<MapperAnswer> {
  const c = parseConference(value, integration.muc_domains);
  if ('problem' in c) throw badRequest('conference', c.problem);
  const room = await findRoomByConference(s.db, integration.id, c.jid);
  const now = Date.now();
  if (room?.conference_id && room.expires_at && room.expires_at.getTime() > now) {
    const full = now + s.config.jitsi.idLifetimeDays * 86_400_000;
    if (full - room.expires_at.getTime() > EXTEND_EVERY_MS) await extendMapperId(s, room.id);
    return { conference: c.jid, id: room.conference_id };
  }
  await limitNewIds(s, integration.id, now);
  const { conferenceId } = await issueMapperId(s, integration.id, c);
  return { conference: c.jid, id: conferenceId };
}

async function byId(s: Services, integration: JitsiIntegrationRow, value: string): Promise<MapperAnswer> {
  if (!CONFERENCE_ID_PATTERN.test(value)) throw badRequest('id', 'id must be a conference ID of exactly 7 digits, the first not 0');
  const room = await findRoomByConferenceId(s.db, integration.id, integration.bridge_id, Number(value));
  return room ? { conference: room.conference, id: Number(value) } : { conference: false };
}

export const badRequest = (path: string, message: string) => new AppError('bad_request', message, [{ path, message }]);
