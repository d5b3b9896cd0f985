// Creates or replaces a dial-in number (idempotent). A number that is a bridge default cannot be
// moved or retyped (409 number_in_use); calls follow a move at once.
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findBridge } from '../store/bridges.js';
import { bridgeDefaultingTo } from '../store/bridges.js';
import type { Sql } from '../store/db.js';
import { findNumber, insertNumber, replaceNumber, type DialInNumberInput, type DialInNumberRow } from '../store/numbers.js';
import { numberChange } from '../directory/changes.js';

export async function putDialInNumber(s: Services, actor: Actor, number: string, input: DialInNumberInput): Promise<{ row: DialInNumberRow; created: boolean }> {
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

/** 409 number_in_use while the number is a bridge default (the foreign keys are the backstop). */
export async function refuseIfDefault(sql: Sql, n: DialInNumberRow): Promise<void> {
  const bridge = await bridgeDefaultingTo(sql, n.number);
  if (bridge) {
    const field = bridge.toll ? 'defaultTollNumber' : 'defaultTollFreeNumber';
    throw new AppError('number_in_use', `${n.number} is the ${bridge.toll ? 'default toll' : 'default toll-free'} number of bridge ${bridge.id}; `
      + `give the bridge another ${field} (or null) with PATCH /api/v1/bridges/${bridge.id} first`);
  }
}

function sameNumber(row: DialInNumberRow, n: DialInNumberInput): boolean {
  return row.bridge_id === n.bridgeId && row.type === n.type && row.primary_language === n.primaryLanguage
    && row.city === n.city && row.country === n.country && row.speech_input === n.speechInput
    && row.secondary_languages.length === n.secondaryLanguages.length
    && row.secondary_languages.every((l, i) => l === n.secondaryLanguages[i]);
}
