// Renames a bridge or sets its default dial-in numbers (printed on invitations and emails).
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findBridge, updateBridge, type BridgeRow } from '../store/bridges.js';
import type { Sql } from '../store/db.js';
import { findNumber } from '../store/numbers.js';

export interface BridgePatch {
  name?: string;
  defaultTollNumber?: string | null;
  defaultTollFreeNumber?: string | null;
}

export async function updateBridgeSettings(s: Services, actor: Actor, bridgeId: string, patch: BridgePatch): Promise<BridgeRow> {
  return s.db.transaction(async (tx) => {
    const bridge = await findBridge(tx, bridgeId, { lock: true });
    if (!bridge) throw notFound('bridge');
    await checkDefault(tx, bridgeId, patch.defaultTollNumber, 'toll', 'defaultTollNumber');
    await checkDefault(tx, bridgeId, patch.defaultTollFreeNumber, 'toll_free', 'defaultTollFreeNumber');
    const updated = await updateBridge(tx, bridgeId, patch);
    await recordAudit(tx, { tenantId: null, actor, action: 'bridge.updated', target: { type: 'bridge', id: bridgeId }, details: { ...patch } });
    return updated;
  });
}

/**
 * A default must be a number of this bridge, of the matching type. The row is share-locked, so
 * a concurrent move of the number waits for this change (and is then refused as number_in_use).
 */
async function checkDefault(sql: Sql, bridgeId: string, number: string | null | undefined, type: 'toll' | 'toll_free', path: string): Promise<void> {
  if (number === undefined || number === null) return;
  const row = await findNumber(sql, number, { lock: 'share' });
  const problem = !row ? 'is not a provisioned dial-in number'
    : row.bridge_id !== bridgeId ? 'is on another bridge'
      : row.type !== type ? `is a ${row.type === 'toll' ? 'toll' : 'toll-free'} number, not ${type === 'toll' ? 'toll' : 'toll-free'}`
        : null;
  if (problem) throw new AppError('validation_failed', `${path}: ${number} ${problem}`, [{ path, message: `${number} ${problem}` }]);
}
