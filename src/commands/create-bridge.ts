// Creates a bridge: a set of dial-in numbers whose conference IDs are unique among themselves.
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { insertBridge, type BridgeRow } from '../store/bridges.js';

export async function createBridge(s: Services, actor: Actor, input: { name: string }): Promise<BridgeRow> {
  return s.db.transaction(async (tx) => {
    const bridge = await insertBridge(tx, input.name);
    await recordAudit(tx, { tenantId: null, actor, action: 'bridge.created', target: { type: 'bridge', id: bridge.id }, details: { name: input.name } });
    return bridge;
  });
}
