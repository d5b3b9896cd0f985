// The emails a change causes, queued in the change's transaction. The outbox worker renders
// and sends them; a PIN travels only sealed with SECRETS_KEY and is erased once sent.
import type { Services } from '../services.js';
import type { Tx } from '../store/db.js';
import { enqueue, nextOutboxId } from '../store/outbox.js';
import { userConferenceId, userTollFreeNumber, userTollNumber, type UserRow } from '../store/users.js';

export type EmailTemplate = 'welcome' | 'conference_id_changed' | 'conference_info' | 'leader_pin_reset' | 'leader_pin_locked';

export interface EmailPayload {
  template: EmailTemplate;
  to: string;
  userId: string;
  displayName: string;
  /** The user's conference ID when queued (null in a dynamic tenant). */
  conferenceId: string | null;
  previousConferenceId?: string | null;
  tollNumber: string | null;
  tollFreeNumber: string | null;
  provider: 'builtin' | 'third_party';
}

export const EMAIL_KIND = 'email';

/**
 * What a sealed PIN is bound to (AES-GCM associated data): its outbox row and the address it
 * goes to. A ciphertext copied to another row, or a row whose recipient was changed in the
 * database, no longer opens. Rows queued before this was bound used EMAIL_KIND alone.
 */
export const sealedPinContext = (outboxId: string, to: string) => `${EMAIL_KIND}:${outboxId}:${to}`;

export async function queueEmail(
  s: Services,
  tx: Tx,
  user: UserRow,
  template: EmailTemplate,
  extra: { to?: string; previousConferenceId?: string | null; leaderPin?: string } = {},
): Promise<void> {
  const payload: EmailPayload = {
    template,
    to: extra.to ?? user.email,
    userId: user.id,
    displayName: user.display_name,
    conferenceId: userConferenceId(user),
    tollNumber: userTollNumber(user),
    tollFreeNumber: userTollFreeNumber(user),
    provider: user.provider,
    ...(extra.previousConferenceId !== undefined ? { previousConferenceId: extra.previousConferenceId } : {}),
  };
  const id = extra.leaderPin === undefined ? undefined : await nextOutboxId(tx);
  await enqueue(tx, {
    id,
    kind: EMAIL_KIND,
    tenantId: user.tenant_id,
    payload: { ...payload },
    secret: id === undefined ? null : s.secrets.seal(extra.leaderPin!, sealedPinContext(id, payload.to)),
  });
}
