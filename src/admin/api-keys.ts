// Admin API keys: "att_<prefix>_<secret>". Only the prefix (to find the row) and a SHA-256
// hash of the whole key are stored; comparisons are constant-time, the bootstrap key's too.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { findApiKey, findApiKeyByPrefix, insertApiKey, revokeApiKey, type ApiKeyRow } from '../store/api-keys.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findTenant } from '../store/tenants.js';

export interface Principal extends Actor {
  tenantId: string | null;
  readOnly: boolean;
}

const KEY_FORMAT = /^att_([a-z2-7]{10})_([A-Za-z0-9_-]{43})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function generateApiKey(): { key: string; prefix: string; hash: Buffer } {
  const prefix = Array.from(randomBytes(10), (b) => BASE32[b & 31]).join('');
  const key = `att_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: sha256(key) };
}

export async function authenticate(s: Services, presented: string): Promise<Principal | null> {
  const hash = sha256(presented);
  const bootstrap = s.config.bootstrapAdminKey;
  if (bootstrap && timingSafeEqual(hash, sha256(bootstrap))) {
    return { apiKeyId: null, name: 'bootstrap', tenantId: null, readOnly: false };
  }
  const m = KEY_FORMAT.exec(presented);
  if (!m) return null;
  const row = await findApiKeyByPrefix(s.db, m[1]!);
  if (!row || row.revoked_at || !timingSafeEqual(hash, row.key_hash)) return null;
  return { apiKeyId: row.id, name: row.name, tenantId: row.tenant_id, readOnly: row.read_only };
}

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

export async function revokeKey(s: Services, actor: Actor, id: string): Promise<void> {
  await s.db.transaction(async (tx) => {
    if (!(await findApiKey(tx, id))) throw notFound('API key');
    const row = (await revokeApiKey(tx, id))!;
    await recordAudit(tx, { tenantId: row.tenant_id, actor, action: 'api_key.revoked', target: { type: 'api_key', id }, details: { name: row.name, prefix: row.prefix } });
  });
}
