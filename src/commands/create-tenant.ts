// Creates a tenant. A tenant uses one bridge for good; without one, it gets its own.
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findBridge, insertBridge } from '../store/bridges.js';
import { insertTenant, type TenantRow, type TenantSettings } from '../store/tenants.js';

export async function createTenant(s: Services, actor: Actor, input: TenantSettings & { bridgeId?: string }): Promise<TenantRow> {
  return s.db.transaction(async (tx) => {
    let bridgeId = input.bridgeId;
    if (bridgeId) {
      if (!(await findBridge(tx, bridgeId))) throw new AppError('validation_failed', 'bridgeId: no such bridge', [{ path: 'bridgeId', message: 'no such bridge' }]);
    } else {
      bridgeId = (await insertBridge(tx, input.name)).id;
    }
    const tenant = await insertTenant(tx, bridgeId, input);
    await recordAudit(tx, { tenantId: tenant.id, actor, action: 'tenant.created', target: { type: 'tenant', id: tenant.id }, details: { ...input, bridgeId } });
    return tenant;
  });
}
