// Retires dynamic meeting IDs once they expire (reason 'expired'), which starts their
// quarantine like any retired ID. Callers are already refused from expires_at on (the directory
// checks it); this makes the row say so and lets the ID come back after its quarantine.
import type { Services } from '../services.js';
import { retireConferenceIds } from './conference-id-lifecycle.js';

/** Retires up to `limit` expired IDs in one transaction; returns how many. Safe with several workers. */
export async function retireExpiredIds(s: Services, limit = 500): Promise<number> {
  // The cached entries already refuse (they carry expires_at); 'retired' replaces them.
  return s.db.transaction(async (tx) => (await retireConferenceIds(s, tx, { expired: true, limit }, 'expired')).length);
}

/** Runs until nothing expired is left (bounded, so one run cannot hog the worker). */
export async function sweepExpiredIds(s: Services, maxBatches = 20): Promise<number> {
  let total = 0;
  for (let k = 0; k < maxBatches; k++) {
    const n = await retireExpiredIds(s);
    total += n;
    if (n === 0) break;
  }
  if (total) s.log.info({ retired: total }, 'expired meeting IDs retired');
  return total;
}
