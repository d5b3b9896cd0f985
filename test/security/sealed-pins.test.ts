// The sealed PIN of a pending email is bound to its outbox row and its recipient (AES-GCM
// associated data): copied to another row, or left in place while the row's address is changed
// in the database, it no longer opens and no PIN is mailed. Rows sealed the old way (bound to
// the kind alone) still deliver. The rows are made by the service's own queueEmail in a
// transaction that is rolled back, so no other test's worker can touch them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userEmailHandler } from '../../src/email/handler.js';
import type { OutgoingMail } from '../../src/email/mailer.js';
import { EMAIL_KIND, queueEmail } from '../../src/email/messages.js';
import { silentLogger } from '../../src/logging.js';
import type { ClaimedMessage } from '../../src/store/outbox-claims.js';
import { findUser } from '../../src/store/users.js';
import { createHarness, provision, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

const ctx = { log: silentLogger, stopping: () => false, renew: async () => true };

describe('a sealed PIN', () => {
  it('opens only in its own row, for its own recipient', async () => {
    const { tenant, users: [a, b] } = await provision(h, { users: 2 });
    const rows: ClaimedMessage[] = await h.services.db.transaction(async (tx) => {
      for (const [u, pin] of [[a!, '482913'], [b!, '559017']] as const) {
        await queueEmail(h.services, tx, (await findUser(tx, tenant.id, u.id))!, 'leader_pin_reset', { leaderPin: pin });
      }
      const { rows: queued } = await tx.query<ClaimedMessage>("SELECT * FROM outbox WHERE payload->>'userId' = ANY($1) AND secret IS NOT NULL ORDER BY id", [[a!.id, b!.id]]);
      throw Object.assign(new Error('roll back'), { rows: queued });
    }).catch((err: { rows?: ClaimedMessage[] }) => err.rows ?? []);
    expect(rows).toHaveLength(2);
    const [rowA, rowB] = rows as [ClaimedMessage, ClaimedMessage];
    expect(rowA.secret!.toString('latin1')).not.toContain('482913');

    const sent: OutgoingMail[] = [];
    const handler = userEmailHandler(h.services, { send: async (m) => { sent.push(m); }, close: () => {} });
    // in place: delivered with its PIN
    await expect(handler.handle(rowA, ctx)).resolves.toEqual({ status: 'sent' });
    expect(sent.at(-1)!.text).toContain('482913');
    // A's ciphertext copied into B's row (B's address): refused, nothing sent
    await expect(handler.handle({ ...rowB, secret: rowA.secret }, ctx)).rejects.toThrow(/cannot be opened/);
    // A's row with its address changed: refused
    await expect(handler.handle({ ...rowA, payload: { ...rowA.payload, to: 'someone.else@example.com' } }, ctx)).rejects.toThrow(/cannot be opened/);
    expect(sent).toHaveLength(1);
    // a row sealed before PINs were bound to their row still delivers
    await expect(handler.handle({ ...rowB, secret: h.services.secrets.seal('559017', EMAIL_KIND) }, ctx)).resolves.toEqual({ status: 'sent' });
    expect(sent.at(-1)!.text).toContain('559017');
    expect(sent.at(-1)!.to).toBe(b!.email);
  });
});
