// Removes a Jitsi integration: its public endpoints answer 404 from now on, and every ID its
// rooms hold is retired at once (quarantined on the bridge like any retired ID).
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findIntegration, lockIssuing, markIntegrationDeleted } from '../store/jitsi-integrations.js';
import { retireConferenceIds } from './conference-id-lifecycle.js';

export async function deleteJitsiIntegration(s: Services, actor: Actor, target: { tenantId: string; integrationId: string }): Promise<void> {
  await s.db.transaction(async (tx) => {
    // no mapper ID is issued for it while (or after) it goes
    await lockIssuing(tx, target.integrationId);
    const current = await findIntegration(tx, target.integrationId, { tenantId: target.tenantId });
    if (!current) throw notFound('Jitsi integration');
    await markIntegrationDeleted(tx, current.id);
    const retired = await retireConferenceIds(s, tx, { jitsiIntegrationId: current.id }, 'integration_removed');
    await recordAudit(tx, {
      tenantId: target.tenantId, actor, action: 'jitsi_integration.deleted', target: { type: 'jitsi_integration', id: current.id },
      details: { retiredConferenceIds: retired.length },
    });
  });
}
