// Admin API keys: "att_<prefix>_<secret>". Only the prefix (to find the row) and a SHA-256 hash
// of the whole key are stored.
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_FORMAT = /^att_([a-z2-7]{10})_([A-Za-z0-9_-]{43})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest();

export function generateApiKey(): { key: string; prefix: string; hash: Buffer } {
  const prefix = Array.from(randomBytes(10), (b) => BASE32[b & 31]).join('');
  const key = `att_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}
