// The conference-ID directory callers read: Redis first, PostgreSQL when Redis cannot give a
// positive answer it may be trusted with.
//
// Why a reset is refused at once (invariant 1): a positive cached value is only ever written
// with the version PostgreSQL gave it, through a compare-and-set that keeps the newer version;
// and a change that takes a positive answer away writes its non-positive value *before* it
// commits (changes.ts). So once the change has returned, no cache holds the old positive value
// with a version that could win, and every non-positive or missing value is confirmed against
// PostgreSQL. That holds while no value is lost, which is what the bridge's trust marker says
// (trust.ts, rebuild.ts); so a reader's fill and a change's after-commit write are made only
// while the marker still holds what their writer saw before it read PostgreSQL or committed,
// and never into an untrusted cache: a value decided before a loss is never written after it. When Redis is unreachable, readers use PostgreSQL alone (within a small time
// budget, behind a circuit breaker) and writers refuse with 503; a hung Redis costs readers no
// more than one command deadline (the store fails fast after it, see cache/redis-store.ts).
import type { CacheKeys } from '../cache/keys.js';
import { ownerRef, type OwnerKind } from '../lib/refs.js';
import type { CacheStore, FieldWrite, RoomEventOutcome } from '../cache/store.js';
import type { Logger } from '../logging.js';
import { CircuitBreaker } from '../lib/breaker.js';
import type { Database, Tx } from '../store/db.js';
import type { CacheChange } from './changes.js';
import { decodeActiveId, decodeLeaderPin, decodeNumber, decodeRoomName, decodeTenantSettings, kindOf, versionOf, type NumberEntry, type SipDestination } from './entries.js';
import { Rebuilder, type RebuildOutcome } from './rebuild.js';
import { roomName, sipRoomName } from './rooms.js';
import { conferenceIdWrite, leaderPinWrite, numberWrite, roomNameWrite, sipDestinationOf, tenantSettingsWrite } from './writes.js';
import { findConferenceIdRow, type ConferenceIdRow } from '../store/conference-ids.js';
import { findRoomName } from '../store/jitsi-rooms.js';
import { findLeaderPin } from '../store/leader-pins.js';
import { findNumber } from '../store/numbers.js';
import { findTenantSettings } from '../store/tenants.js';
import { Trust } from './trust.js';
import { GuardedFill, type SeenMarker } from './fill.js';
import { Staging } from './staging.js';

export type Source = 'cache' | 'database';

export interface ActiveConference {
  status: 'active';
  ownerKind: OwnerKind;
  ownerId: string;
  tenantId: string;
  /** The Twilio conference room (when the destination is Twilio's). */
  room: string;
  allowCallersToStartMeeting: boolean;
  entryExitAnnouncements: 'tones' | 'off';
  /** Where the ID leads: a SIP endpoint, or null for the Twilio room above. */
  destination: SipDestination | null;
  /** The meeting's name at a SIP destination: a Jitsi room's JID, or the owner's own room name. */
  sipRoom: string;
  /** The room's conference has started (Twilio said 'start', not yet 'end'). */
  started: boolean;
  source: Source;
}

export type ConferenceIdLookupResult =
  | ActiveConference
  | { status: 'retired' | 'unknown' | 'expired'; source: Source }
  | { status: 'unavailable' };

export type NumberLookupResult = ({ status: 'found' } & Omit<NumberEntry, 'version'>) | { status: 'not_found' } | { status: 'unavailable' };

export type LeaderPinLookupResult = { status: 'found'; hash: string | null } | { status: 'unavailable' };

export interface DirectoryOptions {
  /** Budget for a PostgreSQL read on the caller path. */
  databaseTimeoutMs?: number;
  /** How long a room counts as started without an 'end' (a lost callback must not stick). */
  liveRoomMaxAgeMs?: number;
}

export interface DirectoryEvents {
  lookup?(result: string, source: Source | 'none'): void;
  cacheWriteFailed?(stage: 'before_commit' | 'after_commit'): void;
  rebuilt?(scope: 'bridge' | 'numbers', outcome: RebuildOutcome, ms: number): void;
}

export class Directory {
  readonly rebuilder: Rebuilder;
  readonly trust: Trust;
  readonly #databaseBreaker: CircuitBreaker;
  readonly #liveMaxAgeMs: number;
  readonly #fill: GuardedFill;
  readonly #staging: Staging;

  constructor(
    private readonly store: CacheStore,
    private readonly sql: Database,
    readonly keys: CacheKeys,
    private readonly log: Logger,
    options: DirectoryOptions = {},
    private readonly events: DirectoryEvents = {},
  ) {
    this.rebuilder = new Rebuilder(sql, store, keys, log, (scope, outcome, ms) => events.rebuilt?.(scope, outcome, ms));
    this.trust = new Trust(store, this.rebuilder, log);
    this.#databaseBreaker = new CircuitBreaker('database', { timeoutMs: options.databaseTimeoutMs ?? 1500, failureThreshold: 3, openMs: 2000 });
    this.#liveMaxAgeMs = options.liveRoomMaxAgeMs ?? 24 * 3600_000;
    this.#fill = new GuardedFill(store, this.trust);
    this.#staging = new Staging(store, keys, log, this.#fill, events);
  }

  // ---- reads (the caller path) ----------------------------------------------------------------

  async lookupConferenceId(bridgeId: string, conferenceId: number, nowMs = Date.now()): Promise<ConferenceIdLookupResult> {
    const bucket = this.keys.directoryBucket(bridgeId, conferenceId);
    const marker = this.keys.directoryMarker(bridgeId);
    const cached = await this.#fromCache(() => this.store.lookupConferenceId({
      bucket: bucket.key, field: bucket.field, marker, tenants: this.keys.tenantSettings(bridgeId), liveRooms: this.keys.liveRooms(bridgeId),
      roomNames: this.keys.roomNames(bridgeId),
    }));
    const liveSince = cached?.liveSince ?? null;
    const seen = cached && this.trust.check(marker, cached.marker, { bridgeId }) ? { key: marker, value: cached.marker } : null;
    if (cached && seen) {
      const active = cached.entry ? decodeActiveId(cached.entry) : null;
      if (active) {
        if (active.expiresAt !== null && active.expiresAt * 1000 <= nowMs) return this.#report({ status: 'expired', source: 'cache' });
        const settings = cached.tenant ? decodeTenantSettings(cached.tenant) : null;
        const cachedRoom = cached.roomName ? decodeRoomName(cached.roomName)?.name ?? null : null;
        const tenant = settings ?? (await this.#tenantSettingsFromDatabase(active.tenantId, seen));
        const sipRoom = active.ownerKind !== 'room' || cachedRoom ? cachedRoom : await this.#roomNameFromDatabase(active.ownerId, seen);
        if (tenant && (active.ownerKind !== 'room' || sipRoom)) {
          const fromCache = settings !== null && (active.ownerKind !== 'room' || cachedRoom !== null);
          return this.#report(this.#active(active, tenant, sipRoom, this.#isLive(liveSince, nowMs), fromCache ? 'cache' : 'database'));
        }
      }
    }
    // No positive answer we may act on: PostgreSQL decides.
    let row: ConferenceIdRow | null;
    try {
      row = await this.#fromDatabase(() => findConferenceIdRow(this.sql, bridgeId, conferenceId));
      if (row && seen) {
        const [now] = await this.#fillCache(seen, [conferenceIdWrite(this.keys, row)]);
        // A newer value in the cache means a change is committing right now: read the truth again.
        if (now && versionOf(now) > BigInt(row.version)) row = await this.#fromDatabase(() => findConferenceIdRow(this.sql, bridgeId, conferenceId));
      }
    } catch {
      if (cached?.entry && kindOf(cached.entry) === 'R') return this.#report({ status: 'retired', source: 'cache' });
      return this.#report({ status: 'unavailable' });
    }
    if (!row) return this.#report({ status: 'unknown', source: 'database' });
    if (row.state === 'retired') return this.#report({ status: 'retired', source: 'database' });
    if (row.expires_at && row.expires_at.getTime() <= nowMs) return this.#report({ status: 'expired', source: 'database' });
    const tenant = await this.#tenantSettingsFromDatabase(row.tenant_id, seen);
    const sipRoom = row.owner_kind === 'room' ? await this.#roomNameFromDatabase(row.owner_id, seen) : null;
    if (!tenant || (row.owner_kind === 'room' && !sipRoom)) return this.#report({ status: 'unavailable' });
    const owner = { ownerKind: row.owner_kind, ownerId: row.owner_id, tenantId: row.tenant_id };
    return this.#report(this.#active(owner, tenant, sipRoom, this.#isLive(liveSince, nowMs), 'database'));
  }

  /** The PIN hash that leads the owner's room (the user's, or the meeting organizer's). */
  async leaderPinHash(bridgeId: string, ownerKind: OwnerKind, ownerId: string): Promise<LeaderPinLookupResult> {
    const key = this.keys.leaderPins(bridgeId);
    const field = ownerRef(ownerKind, ownerId);
    const marker = this.keys.directoryMarker(bridgeId);
    const cached = await this.#fromCache(() => this.store.hgetWithMarker(key, field, marker));
    const seen = cached && this.trust.check(marker, cached.marker, { bridgeId }) ? { key: marker, value: cached.marker } : null;
    if (cached && seen) {
      const entry = cached.value ? decodeLeaderPin(cached.value) : null;
      if (entry) return { status: 'found', hash: entry.hash };
    }
    try {
      let row = await this.#fromDatabase(() => findLeaderPin(this.sql, bridgeId, ownerKind, ownerId));
      if (row && seen) {
        const [now] = await this.#fillCache(seen, [leaderPinWrite(this.keys, row)]);
        if (now && versionOf(now) > BigInt(row.version)) row = await this.#fromDatabase(() => findLeaderPin(this.sql, bridgeId, ownerKind, ownerId));
      }
      return { status: 'found', hash: row?.leader_pin_hash ?? null };
    } catch {
      return { status: 'unavailable' };
    }
  }

  /** The bridge and languages of a dialed number. */
  async lookupNumber(number: string): Promise<NumberLookupResult> {
    const marker = this.keys.numbersMarker;
    const cached = await this.#fromCache(() => this.store.hgetWithMarker(this.keys.numbers, number, marker));
    const seen = cached && this.trust.check(marker, cached.marker, 'numbers') ? { key: marker, value: cached.marker } : null;
    if (cached && seen) {
      const entry = cached.value ? decodeNumber(cached.value) : null;
      if (entry) return found(entry);
    }
    try {
      let row = await this.#fromDatabase(() => findNumber(this.sql, number));
      if (row && seen) {
        const [now] = await this.#fillCache(seen, [numberWrite(this.keys, row)]);
        if (now && versionOf(now) > BigInt(row.version)) row = await this.#fromDatabase(() => findNumber(this.sql, number));
      }
      if (!row) return { status: 'not_found' };
      return found({
        version: BigInt(row.version), bridgeId: row.bridge_id, type: row.type,
        primaryLanguage: row.primary_language, secondaryLanguages: row.secondary_languages, speechInput: row.speech_input,
      });
    } catch {
      return { status: 'unavailable' };
    }
  }

  // ---- live rooms (Twilio conference status callbacks) --------------------------------------

  /**
   * A conference's start or end callback (Twilio's Timestamp, SequenceNumber and ConferenceSid).
   * Applied unless its SequenceNumber was seen for that conference, or it is older than the
   * room's last event: a replayed or late callback changes nothing. Callers check its age first.
   */
  async roomEvent(bridgeId: string, ownerKind: OwnerKind, ownerId: string, event: { kind: 'start' | 'end'; atMs: number; conferenceSid: string; sequence: string | null }, keepMs: number, nowMs = Date.now()): Promise<RoomEventOutcome> {
    return this.store.roomEvent(
      { liveRooms: this.keys.liveRooms(bridgeId), roomEvents: this.keys.roomEvents(bridgeId), sequences: this.keys.conferenceSequences(bridgeId, event.conferenceSid) },
      { owner: ownerRef(ownerKind, ownerId), kind: event.kind, atMs: event.atMs, sequence: event.sequence, nowMs, keepMs },
    );
  }

  // ---- writes (admin commands) ----------------------------------------------------------------

  /**
   * Registers the cache side of a change on its transaction: the non-positive values before
   * COMMIT (failing the change when they cannot be written), the final ones after (staging.ts).
   */
  stage(tx: Tx, changes: CacheChange[]): void {
    this.#staging.stage(tx, changes);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  #active(
    owner: { ownerKind: OwnerKind; ownerId: string; tenantId: string },
    tenant: CallSettings,
    jitsiRoom: string | null,
    started: boolean,
    source: Source,
  ): ActiveConference {
    return {
      status: 'active', ownerKind: owner.ownerKind, ownerId: owner.ownerId, tenantId: owner.tenantId,
      room: roomName(owner.ownerKind, owner.ownerId),
      allowCallersToStartMeeting: tenant.allowCallersToStartMeeting, entryExitAnnouncements: tenant.entryExitAnnouncements,
      destination: tenant.destination,
      sipRoom: jitsiRoom ?? sipRoomName(owner.ownerKind, owner.ownerId),
      started, source,
    };
  }

  async #tenantSettingsFromDatabase(tenantId: string, seen: SeenMarker | null): Promise<CallSettings | null> {
    try {
      const row = await this.#fromDatabase(() => findTenantSettings(this.sql, tenantId));
      if (!row) return null;
      if (seen) await this.#fillCache(seen, [tenantSettingsWrite(this.keys, row)]);
      return { allowCallersToStartMeeting: row.allow_callers_to_start_meeting, entryExitAnnouncements: row.entry_exit_announcements, destination: sipDestinationOf(row) };
    } catch {
      return null;
    }
  }

  /** A Jitsi room's name (immutable, so any cached copy of it is right). */
  async #roomNameFromDatabase(roomId: string, seen: SeenMarker | null): Promise<string | null> {
    try {
      const row = await this.#fromDatabase(() => findRoomName(this.sql, roomId));
      if (!row) return null;
      if (seen) await this.#fillCache(seen, [roomNameWrite(this.keys, row)]);
      return row.conference;
    } catch {
      return null;
    }
  }

  async #fromCache<T>(read: () => Promise<T>): Promise<T | null> {
    if (!this.store.isConnected()) return null;
    try {
      return await read();
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'cache read failed');
      return null;
    }
  }

  #fromDatabase<T>(read: () => Promise<T>): Promise<T> {
    return this.#databaseBreaker.run(read);
  }

  #fillCache(seen: SeenMarker, writes: FieldWrite[]): Promise<(string | null)[]> {
    return this.#fill.write(seen, writes);
  }

  #isLive(liveSince: number | null, nowMs: number): boolean {
    return liveSince !== null && nowMs - liveSince < this.#liveMaxAgeMs;
  }

  #report<T extends ConferenceIdLookupResult>(result: T): T {
    this.events.lookup?.(result.status, 'source' in result ? result.source : 'none');
    return result;
  }
}

/** The tenant's settings a call needs, however they were read. */
type CallSettings = Pick<ActiveConference, 'allowCallersToStartMeeting' | 'entryExitAnnouncements' | 'destination'>;

function found(entry: NumberEntry): NumberLookupResult {
  const { version: _version, ...rest } = entry;
  return { status: 'found', ...rest };
}
