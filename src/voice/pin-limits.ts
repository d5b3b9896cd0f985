// Wrong leader PINs, counted per organizer (the user who leads the meeting: in a dynamic-ID
// tenant every meeting of one organizer shares one count) in the shared cache, over
// PIN_FAILURE_WINDOW_S:
//   - from one calling number: PIN_FAILURE_LIMIT_PER_CALLER (default 10); that number is then
//     refused the organizer option, nobody else is;
//   - from all numbers: PIN_FAILURE_LIMIT_PER_ORGANIZER (default 30); the organizer option is then
//     locked for everyone, the organizer is emailed and an audit event written
//     (commands/organizer-pin-lock.ts), and an admin can lift it (the unlock endpoint, or a PIN
//     reset). An attacker spread over many numbers can still lock it: the trade-off for a
//     bounded number of guesses (docs/security.md).
// Each PIN entry reserves its attempt before the PIN is verified (attempts.ts), so no amount of
// concurrency verifies more PINs than the limits allow; a right PIN refunds its attempt.
import { lockOrganizerPin } from '../commands/organizer-pin-lock.js';
import type { CallerDigests } from '../cache/caller-digest.js';
import type { WindowCheck } from '../cache/store.js';
import type { ActiveConference } from '../directory/directory.js';
import { ownerRef, parseOwnerRef } from '../lib/refs.js';
import { withTimeout } from '../lib/timeouts.js';
import { maskNumber, type Logger } from '../logging.js';
import type { Services } from '../services.js';
import { findLeaderUserId } from '../store/leaders.js';
import type { Params } from './signature.js';
import { attemptDigest, type Attempts, type Reserved } from './attempts.js';

export interface PinLimitSettings {
  perCaller: number;
  perOrganizer: number;
  windowMs: number;
}

/** Owners whose leader is remembered (a meeting's organizer never changes). */
const MAX_REMEMBERED = 10_000;
const LEADER_LOOKUP_MS = 500;

export class PinLimits {
  readonly #leaders = new Map<string, string>();

  constructor(
    private readonly s: Services,
    private readonly digests: CallerDigests,
    private readonly attempts: Attempts,
    readonly settings: PinLimitSettings,
    private readonly log: Logger,
  ) {}

  /**
   * The count a conference's wrong PINs go to: its organizer's ('u' + user ref). A meeting's
   * organizer is read from PostgreSQL once per process; while it cannot be, the meeting's own.
   */
  async organizerOf(c: Pick<ActiveConference, 'ownerKind' | 'ownerId'>): Promise<string> {
    if (c.ownerKind === 'user') return ownerRef('user', c.ownerId);
    const owner = ownerRef(c.ownerKind, c.ownerId);
    const known = this.#leaders.get(owner);
    if (known) return known;
    try {
      const leader = await withTimeout(findLeaderUserId(this.s.db, c.ownerKind, c.ownerId), LEADER_LOOKUP_MS, 'meeting organizer');
      if (!leader) return owner;
      if (this.#leaders.size >= MAX_REMEMBERED) this.#leaders.clear();
      const ref = ownerRef('user', leader);
      this.#leaders.set(owner, ref);
      return ref;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'meeting organizer unknown (database); wrong PINs counted for the meeting alone');
      return owner;
    }
  }

  checks(organizer: string, from: string): WindowCheck[] {
    const key = this.s.keys.organizerPinFailures(organizer);
    const { windowMs, perCaller, perOrganizer } = this.settings;
    return [{ key, windowMs, limit: perCaller, prefix: `${this.digests.of(from)}:` }, { key, windowMs, limit: perOrganizer }];
  }

  /** True while this caller may not try the organizer's PIN (its own limit, or the organizer's lock). */
  async locked(organizer: string, from: string, nowMs = Date.now()): Promise<boolean> {
    try {
      return (await this.s.cache.readWindows(this.checks(organizer, from), nowMs)).some((w) => w.untilMs > 0);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'leader PIN counts unreadable; the PIN is still checked');
      return false;
    }
  }

  reserve(organizer: string, call: { callSid: string; pathAndQuery: string; params: Params; from: string }): Promise<Reserved> {
    const attempt = attemptDigest(call);
    return this.attempts.reserve(this.s.keys.pinAttempt(organizer, attempt), `${this.digests.of(call.from)}:${attempt}`, this.checks(organizer, call.from));
  }

  /** Ends a reserved PIN entry: a right PIN (or the service's own trouble) is refunded. */
  settle(reserved: Reserved, refund: boolean, twiml: string): void {
    this.attempts.settle(reserved, refund, twiml);
  }

  /** The step failed after reserving: refunded, and a retry may run again. */
  abandon(reserved: Reserved): void {
    this.attempts.abandon(reserved);
  }

  /**
   * A reserved PIN was wrong: true when the caller may try no more. The wrong PIN that takes
   * the organizer to the organizer-wide limit locks it: logged, emailed, audited (once).
   */
  wrongPin(organizer: string, reserved: Reserved, context: { callSid: string; from: string; tenantId: string }): boolean {
    if (reserved.kind !== 'ok') return false;
    const [ownCount, allCount] = reserved.reservation.counts as [number, number];
    if (allCount === this.settings.perOrganizer) void this.#lock(organizer, allCount, context);
    else if (ownCount === this.settings.perCaller) {
      this.log.warn({ organizer, caller: maskNumber(context.from), wrongPins: ownCount, callSid: context.callSid }, 'a calling number reached its wrong-PIN limit for an organizer');
    }
    return ownCount >= this.settings.perCaller || allCount >= this.settings.perOrganizer;
  }

  async #lock(organizer: string, wrongPins: number, context: { callSid: string; from: string; tenantId: string }): Promise<void> {
    this.s.metrics.organizerPinLocks.inc();
    this.log.warn({ organizer, wrongPins, windowS: this.settings.windowMs / 1000, callSid: context.callSid, caller: maskNumber(context.from) },
      'organizer option locked after wrong PINs from all numbers; the organizer is emailed (unlock: POST .../leader-pin/unlock or a PIN reset)');
    const user = parseOwnerRef(organizer);
    if (user?.kind !== 'user') return; // a meeting whose organizer was unknown: logged only
    try {
      const first = await this.s.cache.set(this.s.keys.organizerLockNotice(organizer), String(Date.now()), { ttlMs: this.settings.windowMs, onlyIfAbsent: true });
      if (first) await lockOrganizerPin(this.s, { tenantId: context.tenantId, userId: user.id, wrongPins, windowS: this.settings.windowMs / 1000 });
    } catch (err) {
      this.log.error({ err: (err as Error).message, organizer }, 'organizer PIN lock not recorded (email and audit event)');
    }
  }
}
