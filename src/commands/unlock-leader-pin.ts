// Lifts the lock wrong PINs put on a user's organizer option (voice/pin-limits.ts): every
// calling number's count for the user is cleared. Audited.
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findUser } from '../store/users.js';
import { clearOrganizerPinLock, organizerPinFailures } from './organizer-pin-lock.js';

export async function unlockLeaderPin(
  s: Services,
  actor: Actor,
  input: { tenantId: string; userId: string },
): Promise<{ wasLocked: boolean; wrongPinsCleared: number }> {
  return s.db.transaction(async (tx) => {
    const user = await findUser(tx, input.tenantId, input.userId, { lock: true });
    if (!user) throw notFound('user');
    if (user.provider !== 'builtin') throw new AppError('not_supported', 'a third-party user\'s PIN is managed by their provider');
    const wrongPins = await organizerPinFailures(s, user.id);
    const wasLocked = wrongPins >= s.config.pinFailureLimitPerOrganizer;
    clearOrganizerPinLock(s, tx, user.id);
    await recordAudit(tx, { tenantId: user.tenant_id, actor, action: 'leader_pin.unlocked', target: { type: 'user', id: user.id }, details: { wasLocked, wrongPinsCleared: wrongPins } });
    return { wasLocked, wrongPinsCleared: wrongPins };
  });
}
