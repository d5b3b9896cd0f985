// Enables a user for audio conferencing: a builtin user gets a conference ID (static tenants)
// and a leader PIN; a third-party user keeps the ID and toll number the provider gave.
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findTenant } from '../store/tenants.js';
import { findUser, insertUser, touchConferenceIdUpdatedAt, type UserRow } from '../store/users.js';
import { generatePin, hashPin, leaderPinKey } from '../domain/pins.js';
import { queueEmail } from '../email/messages.js';
import { issueConferenceId } from './conference-id-lifecycle.js';
import { guardChosenId, reserveQuota } from './quotas.js';

export interface EnableUserInput {
  tenantId: string;
  email: string;
  displayName: string;
  provider: 'builtin' | 'third_party';
  conferenceId?: string;
  tollNumber?: string;
  sendEmail?: boolean;
}

export interface EnableUserResult {
  user: UserRow;
  leaderPin: string | null;
  emailQueued: boolean;
}

export async function enableUser(s: Services, actor: Actor, input: EnableUserInput): Promise<EnableUserResult> {
  const tenant = await findTenant(s.db, input.tenantId);
  if (!tenant) throw notFound('tenant');
  const builtin = input.provider === 'builtin';
  if (builtin && input.conferenceId && tenant.conference_id_mode === 'dynamic') {
    throw new AppError('not_supported', 'a dynamic-ID tenant gives each meeting its own ID; a user cannot choose one');
  }
  // Hash outside the transaction: scrypt is deliberately slow.
  const leaderPin = builtin ? generatePin(tenant.pin_length) : null;
  const leaderPinHash = leaderPin ? await hashPin(leaderPin, leaderPinKey(s.config.secretsKey)) : null;
  const sendEmail = input.sendEmail ?? tenant.send_email_by_default;

  const chosen = { tenantId: tenant.id, conferenceId: builtin ? input.conferenceId : undefined, target: { type: 'tenant', id: tenant.id } };
  return guardChosenId(s, actor, chosen, () => s.db.transaction(async (tx) => {
    const userId = await insertUser(tx, {
      tenantId: tenant.id,
      email: input.email,
      displayName: input.displayName,
      provider: input.provider,
      thirdPartyConferenceId: builtin ? null : input.conferenceId!,
      thirdPartyTollNumber: builtin ? null : input.tollNumber!,
      leaderPinHash,
    });
    if (builtin && tenant.conference_id_mode === 'static') {
      // PIN hashes are cached only when a leader first dials in (see directory/rebuild.ts).
      await issueConferenceId(s, tx, {
        bridgeId: tenant.bridge_id, tenantId: tenant.id, ownerKind: 'user', ownerId: userId, leaderUserId: userId,
        expiresAt: null, chosen: input.conferenceId,
      });
      await touchConferenceIdUpdatedAt(tx, userId);
      tx.afterCommit(() => s.metrics.conferenceIdChanges.inc({ action: 'issued' }));
    }
    const user = (await findUser(tx, tenant.id, userId))!;
    await recordAudit(tx, {
      tenantId: tenant.id, actor, action: 'user.enabled', target: { type: 'user', id: userId },
      details: { provider: input.provider, conferenceId: user.conference_id === null ? user.third_party_conference_id : String(user.conference_id), emailQueued: sendEmail },
    });
    if (sendEmail) {
      await queueEmail(s, tx, user, 'welcome', leaderPin ? { leaderPin } : {});
      await reserveQuota(s, tx, actor, tenant.id, 'emails', 1);
    }
    return { user, leaderPin, emailQueued: sendEmail };
  }));
}
