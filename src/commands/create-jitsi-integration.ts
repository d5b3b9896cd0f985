// A tenant lets a Jitsi deployment use the public conference mapper (src/jitsi/).
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { insertIntegration, type JitsiIntegrationInput, type JitsiIntegrationRow } from '../store/jitsi-integrations.js';
import { findTenant } from '../store/tenants.js';

export async function createJitsiIntegration(s: Services, actor: Actor, tenantId: string, input: JitsiIntegrationInput): Promise<JitsiIntegrationRow> {
  return s.db.transaction(async (tx) => {
    if (!(await findTenant(tx, tenantId))) throw new AppError('not_found', 'tenant not found');
    const row = await insertIntegration(tx, tenantId, input);
    await recordAudit(tx, {
      tenantId, actor, action: 'jitsi_integration.created', target: { type: 'jitsi_integration', id: row.id },
      details: { ...input },
    });
    return row;
  });
}
