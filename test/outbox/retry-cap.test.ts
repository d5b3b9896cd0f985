// A message kind may cap its retry delay below the worker's backoff: jobs resume within a minute
// of an outage ending instead of after the outbox's backoff of up to ten minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWorker, type MessageKind } from '../../src/outbox/worker.js';
import { enqueue } from '../../src/store/outbox.js';
import { createHarness, type Harness } from '../support/harness.js';
import { eventually, privateDatabase } from '../support/private-db.js';

let db: Awaited<ReturnType<typeof privateDatabase>>;
let h: Harness;
beforeAll(async () => {
  db = await privateDatabase('retrycap');
  h = await createHarness({ databaseUrl: db.url });
});
afterAll(async () => {
  await h.close();
  await db.drop();
});

async function statusOf(id: string) {
  const { rows } = await h.services.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM outbox WHERE id = $1', [id]);
  return rows[0]!;
}

describe('a message kind with a retry cap', () => {
  it('is tried again within its cap, though the worker backs off for 8 s and more', async () => {
    let calls = 0;
    const flaky = (maxRetryDelayMs?: number): MessageKind => ({
      kind: 'flaky', lane: { concurrency: 1, leaseMs: 10_000 }, maxRetryDelayMs,
      handler: { async handle() { calls++; if (calls === 1) throw new Error('dependency down'); return { status: 'sent' }; } },
    });
    const capped = new OutboxWorker(h.services, [flaky(300)], { idlePollMs: 50, periodic: [] });
    const id = await enqueue(h.services.db, { kind: 'flaky', tenantId: null, payload: {} });
    capped.start();
    try {
      expect(await eventually(() => statusOf(id), (r) => r.status === 'sent', 3000)).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      await capped.stop();
    }
    // without the cap the same failure waits out the worker's own backoff (first retry after 4 to 8 s)
    calls = 0;
    const uncapped = new OutboxWorker(h.services, [flaky()], { idlePollMs: 50, periodic: [] });
    const other = await enqueue(h.services.db, { kind: 'flaky', tenantId: null, payload: {} });
    uncapped.start();
    try {
      await eventually(() => statusOf(other), (r) => r.attempts === 1, 3000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await statusOf(other)).toMatchObject({ status: 'pending', attempts: 1 });
    } finally {
      await uncapped.stop();
    }
  });
});
