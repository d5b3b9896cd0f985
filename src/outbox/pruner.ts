// Settled outbox messages hold addresses and names: keep them no longer than operators need them.
import type { Services } from '../services.js';
import { pruneSettled } from '../store/outbox-claims.js';
import type { PeriodicTask } from './worker.js';

export const outboxPruner = (s: Services, everyMs = 60_000): PeriodicTask => ({
  name: 'outbox-pruner', everyMs, run: () => pruneSettled(s.db, { sentDays: 30, problemDays: 90, limit: 5000 }),
});
