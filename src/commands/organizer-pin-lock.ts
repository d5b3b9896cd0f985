// The organizer option of a user was locked by wrong PINs from all calling numbers (see
// voice/pin-limits.ts): the user is told by email, and the lock is in the audit trail, so the
// organizer or an admin can lift it (unlock-leader-pin.ts, or a PIN reset). Also the one place
// that clears a user's wrong-PIN counts.
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findUser } from '../store/users.js';
import { queueEmail } from '../email/messages.js';
import { ownerRef } from '../lib/refs.js';
import type { Tx } from '../store/db.js';
import { DependencyError } from '../errors.js';

export const VOICE_ACTOR: Actor = { apiKeyId: null, name: 'voice (wrong leader PINs)' };

export async function lockOrganizerPin(
  s: Services,
  input: { tenantId: string; userId: string; wrongPins: number; windowS: number },
): Promise<void> {
  await s.db.transaction(async (tx) => {
    const user = await findUser(tx, input.tenantId, input.userId);
    if (!user) return; // disabled meanwhile: nobody to tell
    await recordAudit(tx, {
      tenantId: user.tenant_id, actor: VOICE_ACTOR, action: 'leader_pin.locked', target: { type: 'user', id: user.id },
      details: { wrongPins: input.wrongPins, windowS: input.windowS },
    });
    await queueEmail(s, tx, user, 'leader_pin_locked');
  });
}

/** How many wrong PINs the user's count holds now (every calling number's). */
export async function organizerPinFailures(s: Services, userId: string): Promise<number> {
  const key = s.keys.organizerPinFailures(ownerRef('user', userId));
  const windowMs = s.config.pinFailureWindowS * 1000;
  try {
    const [w] = await s.cache.readWindows([{ key, windowMs, limit: Number.MAX_SAFE_INTEGER }], Date.now());
    return w!.count;
  } catch (err) {
    throw new DependencyError('cache', 'the wrong-PIN counts cannot be read now', err);
  }
}

/**
 * Clears the user's wrong-PIN counts (every calling number's) and its lock notice, just before
 * the change commits: when Redis cannot be written the change rolls back (503) rather than claim
 * an unlock that did not happen.
 */
export function clearOrganizerPinLock(s: Services, tx: Tx, userId: string): void {
  const organizer = ownerRef('user', userId);
  tx.beforeCommit(async () => {
    try {
      await s.cache.del(s.keys.organizerPinFailures(organizer));
      await s.cache.del(s.keys.organizerLockNotice(organizer));
    } catch (err) {
      throw new DependencyError('cache', 'the leader PIN lock could not be cleared now', err);
    }
  });
}
