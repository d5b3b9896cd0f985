// Sends a dead or undeliverable outbox message again (an operator's retry), audited in the
// same transaction.
import { notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { requeue } from '../store/outbox-claims.js';

export async function requeueOutboxMessage(s: Services, actor: Actor, id: string): Promise<void> {
  await s.db.transaction(async (tx) => {
    if (!(await requeue(tx, id))) throw notFound('dead or undeliverable outbox message');
    await recordAudit(tx, { tenantId: null, actor, action: 'outbox.requeued', target: { type: 'outbox', id }, details: {} });
  });
}
