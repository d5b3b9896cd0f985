// Dial-in numbers: idempotent create-or-replace, delete. A number that is a bridge default
// cannot be moved, retyped or deleted (409 number_in_use); calls follow a move at once.
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findBridge } from '../store/bridges.js';
import {
  deleteNumber, findNumber, insertNumber, nextDirectoryVersion, replaceNumber,
  type DialInNumberInput, type DialInNumberRow,
} from '../store/numbers.js';
import { numberChange, numberRemoval } from '../directory/changes.js';
import type { Sql } from '../store/db.js';

export async function putNumber(s: Services, actor: Actor, number: string, input: DialInNumberInput): Promise<{ row: DialInNumberRow; created: boolean }> {
  return s.db.transaction(async (tx) => {
    const bridge = await findBridge(tx, input.bridgeId);
    if (!bridge) throw new AppError('validation_failed', 'bridgeId: no such bridge', [{ path: 'bridgeId', message: 'no such bridge' }]);
    let existing = await findNumber(tx, number, { lock: 'update' });
    if (!existing) {
      const row = await insertNumber(tx, number, input);
      if (row) {
        s.directory.stage(tx, [numberChange(s.keys, row, false)]);
        await recordAudit(tx, { tenantId: null, actor, action: 'dial_in_number.created', target: { type: 'dial_in_number', id: number }, details: { ...input } });
        return { row, created: true };
      }
      // A concurrent PUT created it first (the insert waited for its COMMIT): replace it as usual.
      existing = await findNumber(tx, number, { lock: 'update' });
      if (!existing) throw new AppError('conflict', `${number} was changed by a concurrent request; retry`);
    }
    if (existing.bridge_id !== input.bridgeId || existing.type !== input.type) await refuseIfDefault(tx, existing);
    if (sameNumber(existing, input)) return { row: existing, created: false };
    const row = await replaceNumber(tx, number, input);
    s.directory.stage(tx, [numberChange(s.keys, row, true)]);
    await recordAudit(tx, {
      tenantId: null, actor, action: existing.bridge_id === input.bridgeId ? 'dial_in_number.updated' : 'dial_in_number.moved',
      target: { type: 'dial_in_number', id: number }, details: { ...input, previousBridgeId: existing.bridge_id },
    });
    return { row, created: false };
  });
}

export async function removeNumber(s: Services, actor: Actor, number: string): Promise<void> {
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

/** 409 number_in_use while the number is a bridge default (the foreign keys are the backstop). */
async function refuseIfDefault(sql: Sql, n: DialInNumberRow): Promise<void> {
  const { rows } = await sql.query<{ id: string; toll: boolean }>(
    'SELECT id, default_toll_number = $1 AS toll FROM bridges WHERE default_toll_number = $1 OR default_toll_free_number = $1',
    [n.number],
  );
  const bridge = rows[0];
  if (bridge) {
    const field = bridge.toll ? 'defaultTollNumber' : 'defaultTollFreeNumber';
    throw new AppError('number_in_use', `${n.number} is the ${bridge.toll ? 'default toll' : 'default toll-free'} number of bridge ${bridge.id}; `
      + `give the bridge another ${field} (or null) with PATCH /api/v1/bridges/${bridge.id} first`);
  }
}

function sameNumber(row: DialInNumberRow, n: DialInNumberInput): boolean {
  return row.bridge_id === n.bridgeId && row.type === n.type && row.primary_language === n.primaryLanguage
    && row.city === n.city && row.country === n.country
    && row.secondary_languages.length === n.secondaryLanguages.length
    && row.secondary_languages.every((l, i) => l === n.secondaryLanguages[i]);
}
