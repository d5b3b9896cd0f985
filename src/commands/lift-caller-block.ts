// A calling number's failed ID entries, per bridge (voice/caller-limits.ts): what an operator
// sees (which bridges block it, how many failures, until when) and lifts. Withheld callers are
// one caller per bridge ("withheld"). The number is read from Redis only through its keyed
// digest; the audit event names the digest and a masked number, never the number.
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { allBridgeIds } from '../store/bridges.js';
import { CallerDigests, WITHHELD_CALLER } from '../cache/caller-digest.js';
import { DependencyError } from '../errors.js';
import { maskNumber } from '../logging.js';

export interface CallerBlock {
  bridgeId: string;
  failures: number;
  limit: number;
  blocked: boolean;
  /** When the count falls below the limit (a block lifts by itself); null when not blocked. */
  blockedUntil: string | null;
}

function checkOf(s: Services, bridgeId: string, caller: string) {
  const limit = caller === WITHHELD_CALLER ? s.config.withheldFailureLimit : s.config.callerFailureLimit;
  return { key: s.keys.callerFailures(bridgeId, caller), windowMs: s.config.callerFailureWindowS * 1000, limit };
}

const digestOf = (s: Services, number: string) => new CallerDigests(s.config.secretsKey.key).of(number === 'withheld' ? '' : number);

/** The bridges where the caller has failures in the window, with their counts. */
export async function readCallerBlocks(s: Services, number: string, nowMs = Date.now()): Promise<CallerBlock[]> {
  const caller = digestOf(s, number);
  const bridges = await allBridgeIds(s.db);
  try {
    const states = await Promise.all(bridges.map(async (bridgeId) => {
      const check = checkOf(s, bridgeId, caller);
      const [w] = await s.cache.readWindows([check], nowMs);
      return { bridgeId, failures: w!.count, limit: check.limit, blocked: w!.untilMs > 0, blockedUntil: w!.untilMs > 0 ? new Date(w!.untilMs).toISOString() : null };
    }));
    return states.filter((b) => b.failures > 0);
  } catch (err) {
    throw new DependencyError('cache', 'the failure counts cannot be read now', err);
  }
}

/** Clears the caller's failures on every bridge; audited (with what was cleared). */
export async function liftCallerBlock(s: Services, actor: Actor, number: string): Promise<{ lifted: CallerBlock[] }> {
  const caller = digestOf(s, number);
  const lifted = await readCallerBlocks(s, number);
  await s.db.transaction(async (tx) => {
    tx.beforeCommit(async () => {
      try {
        for (const b of lifted) await s.cache.del(checkOf(s, b.bridgeId, caller).key);
      } catch (err) {
        throw new DependencyError('cache', 'the block could not be lifted now', err);
      }
    });
    await recordAudit(tx, {
      tenantId: null, actor, action: 'caller_block.lifted', target: { type: 'caller', id: caller },
      details: { caller: number === 'withheld' ? 'withheld' : maskNumber(number), bridges: lifted.map((b) => ({ bridgeId: b.bridgeId, failures: b.failures, blocked: b.blocked })) },
    });
  });
  return { lifted };
}
