// Revokes an admin API key: it stops working at once (every request looks the key up).
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { findApiKey, revokeApiKey } from '../store/api-keys.js';
import { recordAudit, type Actor } from '../store/audit.js';

export async function revokeKey(s: Services, actor: Actor, id: string): Promise<void> {
  await s.db.transaction(async (tx) => {
    if (!(await findApiKey(tx, id))) throw notFound('API key');
    const row = (await revokeApiKey(tx, id))!;
    await recordAudit(tx, { tenantId: row.tenant_id, actor, action: 'api_key.revoked', target: { type: 'api_key', id }, details: { name: row.name, prefix: row.prefix } });
  });
}
