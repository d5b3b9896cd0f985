// Creates an admin API key (platform, or one tenant's; read-only or not). The key is returned
// once; only its prefix and hash are stored.
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { generateApiKey } from '../domain/api-keys.js';
import { insertApiKey, type ApiKeyRow } from '../store/api-keys.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findTenant } from '../store/tenants.js';

export async function createApiKey(
  s: Services,
  actor: Actor,
  input: { name: string; tenantId: string | null; readOnly: boolean },
): Promise<{ row: ApiKeyRow; key: string }> {
  const { key, prefix, hash } = generateApiKey();
  return s.db.transaction(async (tx) => {
    if (input.tenantId && !(await findTenant(tx, input.tenantId))) {
      throw new AppError('validation_failed', 'tenantId: no such tenant', [{ path: 'tenantId', message: 'no such tenant' }]);
    }
    const row = await insertApiKey(tx, { ...input, prefix, hash });
    await recordAudit(tx, {
      tenantId: input.tenantId, actor, action: 'api_key.created', target: { type: 'api_key', id: row.id },
      details: { name: input.name, readOnly: input.readOnly, prefix },
    });
    return { row, key };
  });
}
