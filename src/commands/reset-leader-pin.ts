// Issues a new leader PIN. The old PIN stops working at once: every cached copy of the PIN hash
// is marked pending before the change commits (see directory/changes.ts).
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { ownersLedBy } from '../store/conference-ids.js';
import { findTenant } from '../store/tenants.js';
import { findUser, setLeaderPinHash } from '../store/users.js';
import { leaderPinChange } from '../directory/changes.js';
import { queueEmail } from '../email/messages.js';
import { generatePin, hashPin, leaderPinKey } from '../domain/pins.js';
import { clearOrganizerPinLock } from './organizer-pin-lock.js';

export async function resetLeaderPin(
  s: Services,
  actor: Actor,
  input: { tenantId: string; userId: string; sendEmail?: boolean },
): Promise<{ leaderPin: string; emailQueued: boolean }> {
  const tenant = await findTenant(s.db, input.tenantId);
  if (!tenant) throw notFound('tenant');
  const leaderPin = generatePin(tenant.pin_length);
  const hash = await hashPin(leaderPin, leaderPinKey(s.config.secretsKey));
  const sendEmail = input.sendEmail ?? tenant.send_email_by_default;
  return s.db.transaction(async (tx) => {
    const user = await findUser(tx, tenant.id, input.userId, { lock: true });
    if (!user) throw notFound('user');
    if (user.provider !== 'builtin') throw new AppError('not_supported', 'a third-party user\'s PIN is managed by their provider');
    const version = await setLeaderPinHash(tx, user.id, hash);
    const owners = await ownersLedBy(tx, user.id);
    s.directory.stage(tx, owners.map((o) => leaderPinChange(s.keys, { ...o, leader_pin_hash: hash, version }, true)));
    clearOrganizerPinLock(s, tx, user.id); // a new PIN: the guesses at the old one no longer matter
    await recordAudit(tx, { tenantId: tenant.id, actor, action: 'leader_pin.reset', target: { type: 'user', id: user.id }, details: { emailQueued: sendEmail } });
    if (sendEmail) await queueEmail(s, tx, user, 'leader_pin_reset', { leaderPin });
    tx.afterCommit(() => s.metrics.leaderPinResets.inc());
    return { leaderPin, emailQueued: sendEmail };
  });
}
