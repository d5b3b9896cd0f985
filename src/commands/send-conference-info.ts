// Emails a user's conference details (ID and numbers, never the PIN) to them or another address.
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findUser } from '../store/users.js';
import { queueEmail } from '../email/messages.js';

export async function sendConferenceInfo(s: Services, actor: Actor, input: { tenantId: string; userId: string; toAddress?: string }): Promise<void> {
  await s.db.transaction(async (tx) => {
    const user = await findUser(tx, input.tenantId, input.userId);
    if (!user) throw notFound('user');
    await queueEmail(s, tx, user, 'conference_info', input.toAddress ? { to: input.toAddress } : {});
    await recordAudit(tx, {
      tenantId: user.tenant_id, actor, action: 'conference_info.sent', target: { type: 'user', id: user.id },
      details: { to: input.toAddress ?? user.email },
    });
  });
}
