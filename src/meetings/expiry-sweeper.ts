// Retires dynamic meeting IDs once they expire (reason 'expired'), which starts their
// quarantine like any retired ID. Callers are already refused from expires_at on (the directory
// checks it); this makes the row say so and lets the ID come back after its quarantine.
import type { Services } from '../services.js';
import { CONFERENCE_ID_COLUMNS, type ConferenceIdRow } from '../directory/source.js';
import { conferenceIdChange } from '../directory/changes.js';

/** Retires up to `limit` expired IDs in one transaction; returns how many. Safe with several workers. */
export async function retireExpiredIds(s: Services, limit = 500): Promise<number> {
  return s.db.transaction(async (tx) => {
    const { rows } = await tx.query<ConferenceIdRow>(
      `WITH due AS (
         SELECT bridge_id, conference_id FROM conference_ids
          WHERE state = 'active' AND expires_at IS NOT NULL AND expires_at <= now()
          ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE conference_ids c SET state = 'retired', retired_at = now(), retired_reason = 'expired',
              quarantine_until = greatest(now() + make_interval(days => $1), c.quarantine_until)
         FROM due WHERE c.bridge_id = due.bridge_id AND c.conference_id = due.conference_id
       RETURNING ${CONFERENCE_ID_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}`,
      [s.config.quarantineDays, limit],
    );
    // The cached entries already refuse (they carry expires_at); 'retired' replaces them.
    s.directory.stage(tx, rows.map((r) => conferenceIdChange(s.keys, r, true)));
    return rows.length;
  });
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
