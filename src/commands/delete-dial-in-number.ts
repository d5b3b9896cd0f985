// Deletes a dial-in number: calls to it are then answered "not in service". Refused (409
// number_in_use) while it is a bridge default.
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { deleteNumber, findNumber, nextDirectoryVersion } from '../store/numbers.js';
import { numberRemoval } from '../directory/changes.js';
import { refuseIfDefault } from './put-dial-in-number.js';

export async function deleteDialInNumber(s: Services, actor: Actor, number: string): Promise<void> {
  await s.db.transaction(async (tx) => {
    const existing = await findNumber(tx, number, { lock: 'update' });
    if (!existing) throw notFound('dial-in number');
    await refuseIfDefault(tx, existing);
    const version = await nextDirectoryVersion(tx);
    await deleteNumber(tx, number);
    s.directory.stage(tx, [numberRemoval(s.keys, number, version)]);
    await recordAudit(tx, { tenantId: null, actor, action: 'dial_in_number.deleted', target: { type: 'dial_in_number', id: number }, details: { bridgeId: existing.bridge_id } });
  });
}
