// Moving users' default number (Microsoft's Set-CsOnlineDialInConferencingUserDefaultNumber):
// every user of a bridge whose default toll (or toll-free) number is A gets B as their own
// default (users.default_toll_number / default_toll_free_number, migrations/0005), and their
// upcoming meetings are updated and re-sent. Users who follow the bridge's default get the
// per-user value too, so a later change of the bridge default does not move them back.
import { AppError, notFound, validationFailed } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findBridge } from '../store/bridges.js';
import { createJob, type JobRow } from '../store/jobs.js';
import { upcomingMeetingIds } from '../store/meetings.js';
import { findNumber } from '../store/numbers.js';
import { refreshMeeting } from '../commands/refresh-meeting.js';
import type { UnitKind } from './runner.js';

export interface NumberMoveInput {
  bridgeId: string;
  from: string;
  to: string;
}

/** Users of the bridge whose effective default of `type` is $2 (same rule as store/users.ts). */
const USERS_WITH_DEFAULT = (column: 'default_toll_number' | 'default_toll_free_number', type: 'toll' | 'toll_free') => `
  SELECT u.id FROM users u
    JOIN tenants t ON t.id = u.tenant_id
    JOIN bridges b ON b.id = t.bridge_id
    LEFT JOIN dial_in_numbers own ON own.number = u.${column} AND own.bridge_id = t.bridge_id AND own.type = '${type}'
   WHERE t.bridge_id = $1 AND u.disabled_at IS NULL AND u.provider = 'builtin'
     AND coalesce(own.number, b.${column}) = $2`;

function columnFor(type: 'toll' | 'toll_free') {
  return type === 'toll' ? 'default_toll_number' as const : 'default_toll_free_number' as const;
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
      units: { select: USERS_WITH_DEFAULT(columnFor(from.type), from.type), params: [bridge.id, from.number] },
    });
    await recordAudit(tx, {
      tenantId: null, actor, action: 'default_number.move_requested', target: { type: 'bridge', id: bridge.id },
      details: { jobId: job.id, from: from.number, to: to.number, users: job.total },
    });
    return { jobId: job.id, total: job.total };
  });
}

export const defaultNumberMoveUnits: UnitKind<undefined> = {
  async run(_s, tx, job: JobRow, userId) {
    const { to, type } = job.params as { to: string; type: 'toll' | 'toll_free' };
    const column = columnFor(type);
    const { rows } = await tx.query<{ tenant_id: string }>(
      `UPDATE users SET ${column} = $2 WHERE id = $1 AND disabled_at IS NULL RETURNING tenant_id`,
      [userId, to],
    );
    if (!rows[0]) throw new AppError('not_found', 'user not found or disabled');
    for (const meetingId of await upcomingMeetingIds(tx, userId)) await refreshMeeting(tx, meetingId);
    await recordAudit(tx, {
      tenantId: rows[0].tenant_id, actor: { apiKeyId: job.actor_key_id, name: job.actor_name }, action: 'user.default_number_moved',
      target: { type: 'user', id: userId }, details: { jobId: job.id, type, from: job.params.from, to },
    });
  },
};
