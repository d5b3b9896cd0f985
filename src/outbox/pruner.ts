// Settled outbox messages hold addresses and names: keep them no longer than operators need them.
// Ended quota windows (store/quotas.ts) go with them.
import type { Services } from '../services.js';
import { pruneSettled } from '../store/outbox-claims.js';
import { pruneQuotaWindows } from '../store/quotas.js';
import type { PeriodicTask } from './worker.js';

export const outboxPruner = (s: Services, everyMs = 60_000): PeriodicTask => ({
  name: 'outbox-pruner', everyMs, run: async () => {
    await pruneSettled(s.db, { sentDays: 30, problemDays: 90, limit: 5000 });
    await pruneQuotaWindows(s.db, 5000);
  },
});
