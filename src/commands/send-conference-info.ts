// Emails a user's conference details (ID and numbers, never the PIN) to them, or (platform keys
// only) to another address: a tenant key must not turn the service into a mail relay.
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findUser } from '../store/users.js';
import { queueEmail } from '../email/messages.js';
import { isPlatformActor, reserveQuota } from './quotas.js';

export async function sendConferenceInfo(s: Services, actor: Actor, input: { tenantId: string; userId: string; toAddress?: string }): Promise<void> {
  await s.db.transaction(async (tx) => {
    const user = await findUser(tx, input.tenantId, input.userId);
    if (!user) throw notFound('user');
    if (input.toAddress && input.toAddress.toLowerCase() !== user.email.toLowerCase() && !isPlatformActor(actor)) {
      throw new AppError('forbidden', 'toAddress: a tenant key may send a user\'s conference details only to the user\'s own address', [
        { path: 'toAddress', message: 'must be the user\'s own address (or leave it out); other addresses need a platform key' },
      ]);
    }
    await queueEmail(s, tx, user, 'conference_info', input.toAddress ? { to: input.toAddress } : {});
    await recordAudit(tx, {
      tenantId: user.tenant_id, actor, action: 'conference_info.sent', target: { type: 'user', id: user.id },
      details: { to: input.toAddress ?? user.email },
    });
    await reserveQuota(s, tx, actor, user.tenant_id, 'emails', 1);
  });
}
