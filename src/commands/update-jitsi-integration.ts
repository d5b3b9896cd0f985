// Changes a Jitsi integration: its name, MUC domains, allowed origins or live-ID cap. Existing
// IDs are kept (a lower cap only stops new ones; a removed domain is no longer answered for).
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findIntegration, lockIssuing, updateIntegration, type JitsiIntegrationInput, type JitsiIntegrationRow } from '../store/jitsi-integrations.js';

export async function updateJitsiIntegration(
  s: Services, actor: Actor, target: { tenantId: string; integrationId: string }, patch: Partial<JitsiIntegrationInput>,
): Promise<JitsiIntegrationRow> {
  return s.db.transaction(async (tx) => {
    await lockIssuing(tx, target.integrationId);
    const current = await findIntegration(tx, target.integrationId, { tenantId: target.tenantId });
    if (!current) throw notFound('Jitsi integration');
    const row = await updateIntegration(tx, current.id, {
      name: patch.name ?? current.name,
      mucDomains: patch.mucDomains ?? current.muc_domains,
      allowedOrigins: patch.allowedOrigins ?? current.allowed_origins,
      maxLiveIds: patch.maxLiveIds ?? current.max_live_ids,
    });
    await recordAudit(tx, { tenantId: target.tenantId, actor, action: 'jitsi_integration.updated', target: { type: 'jitsi_integration', id: row.id }, details: { ...patch } });
    return row;
  });
}
