// An admin resets a Jitsi room's conference ID: it is refused at once (retired, quarantined on
// the bridge like any other), and the room's next mapper lookup issues a new one.
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findIntegration } from '../store/jitsi-integrations.js';
import { findRoom } from '../store/jitsi-rooms.js';
import { retireConferenceIds } from './conference-id-lifecycle.js';

export async function resetMapperId(
  s: Services, actor: Actor, target: { tenantId: string; integrationId: string; roomId: string },
): Promise<{ previousConferenceId: string | null }> {
  return s.db.transaction(async (tx) => {
    const integration = await findIntegration(tx, target.integrationId, { tenantId: target.tenantId });
    if (!integration) throw notFound('Jitsi integration');
    const room = await findRoom(tx, integration.id, target.roomId);
    if (!room) throw notFound('room');
    const [retired] = await retireConferenceIds(s, tx, { ownerKind: 'room', ownerId: room.id }, 'reset');
    const previousConferenceId = retired ? String(retired.conference_id) : null;
    await recordAudit(tx, {
      tenantId: target.tenantId, actor, action: 'conference_id.reset', target: { type: 'jitsi_room', id: room.id },
      details: { previousConferenceId, conference: room.conference, integrationId: integration.id },
    });
    return { previousConferenceId };
  });
}
