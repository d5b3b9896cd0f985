// Moving users' default number (Microsoft's Set-CsOnlineDialInConferencingUserDefaultNumber):
// every user of a bridge whose default toll (or toll-free) number is A gets B as their own
// default, by a job of one unit per user (move-user-default-number.ts). Users who follow the
// bridge's default get the per-user value too, so a later change of the bridge default does not
// move them back.
import { notFound, validationFailed } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findBridge } from '../store/bridges.js';
import { createJob } from '../store/jobs.js';
import { findNumber } from '../store/numbers.js';

export interface NumberMoveInput {
  bridgeId: string;
  from: string;
  to: string;
}

export async function requestDefaultNumberMove(s: Services, actor: Actor, input: NumberMoveInput): Promise<{ jobId: string; total: number }> {
  return s.db.transaction(async (tx) => {
    const bridge = await findBridge(tx, input.bridgeId);
    if (!bridge) throw notFound('bridge');
    if (input.from === input.to) throw validationFailed('to', 'must differ from "from"');
    const [from, to] = [await findNumber(tx, input.from), await findNumber(tx, input.to)];
    if (!from || from.bridge_id !== bridge.id) throw validationFailed('from', `${input.from} is not a dial-in number of this bridge`);
    if (!to || to.bridge_id !== bridge.id) throw validationFailed('to', `${input.to} is not a dial-in number of this bridge`);
    if (from.type !== to.type) throw validationFailed('to', `must be a ${from.type === 'toll' ? 'toll' : 'toll-free'} number like "from"`);
    const job = await createJob(tx, {
      kind: 'default_number_move', tenantId: null, bridgeId: bridge.id, actor,
      params: { from: from.number, to: to.number, type: from.type },
      units: { users: 'with_default_number', bridgeId: bridge.id, type: from.type, number: from.number },
    });
    await recordAudit(tx, {
      tenantId: null, actor, action: 'default_number.move_requested', target: { type: 'bridge', id: bridge.id },
      details: { jobId: job.id, from: from.number, to: to.number, users: job.total },
    });
    return { jobId: job.id, total: job.total };
  });
}
