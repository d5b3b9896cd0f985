// Disables a user: the user disappears from the API and every ID they lead (their own and
// their meetings') is retired at once and quarantined.
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findUser, markUserDisabled } from '../store/users.js';
import { retireConferenceIds } from './conference-id-lifecycle.js';

export async function disableUser(s: Services, actor: Actor, input: { tenantId: string; userId: string }): Promise<void> {
  await s.db.transaction(async (tx) => {
    const user = await findUser(tx, input.tenantId, input.userId, { lock: true });
    if (!user) throw notFound('user');
    const retired = await retireConferenceIds(s, tx, { leaderUserId: user.id }, 'user_disabled');
    await markUserDisabled(tx, user.id);
    await recordAudit(tx, {
      tenantId: user.tenant_id, actor, action: 'user.disabled', target: { type: 'user', id: user.id },
      details: { retiredConferenceIds: retired.map((r) => String(r.conference_id)) },
    });
  });
}
