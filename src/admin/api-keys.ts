// Who is calling: a stored API key (found by its prefix, compared by hash) or the bootstrap
// key. Comparisons are constant-time, the bootstrap key's too.
import { timingSafeEqual } from 'node:crypto';
import { API_KEY_FORMAT, hashApiKey } from '../domain/api-keys.js';
import type { Services } from '../services.js';
import { findApiKeyByPrefix } from '../store/api-keys.js';
import type { Actor } from '../store/audit.js';

export interface Principal extends Actor {
  tenantId: string | null;
  readOnly: boolean;
}

export async function authenticate(s: Services, presented: string): Promise<Principal | null> {
  const hash = hashApiKey(presented);
  const bootstrap = s.config.bootstrapAdminKey;
  if (bootstrap && timingSafeEqual(hash, hashApiKey(bootstrap))) {
    return { apiKeyId: null, name: 'bootstrap', tenantId: null, readOnly: false };
  }
  const m = API_KEY_FORMAT.exec(presented);
  if (!m) return null;
  const row = await findApiKeyByPrefix(s.db, m[1]!);
  if (!row || row.revoked_at || !timingSafeEqual(hash, row.key_hash)) return null;
  return { apiKeyId: row.id, name: row.name, tenantId: row.tenant_id, readOnly: row.read_only };
}
