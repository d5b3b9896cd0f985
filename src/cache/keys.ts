// Every Redis key the service uses is built here. Keys of one bridge share the hash tag
// {<bridge ref>} so that multi-key scripts stay in one Redis Cluster slot; dial-in numbers share
// the tag {n}.
import { uuidToRef } from '../lib/refs.js';

/** IDs per directory bucket: 100 keeps every bucket a small listpack-encoded hash. */
const BUCKET_SIZE = 100;

export class CacheKeys {
  constructor(private readonly prefix: string) {}

  bridgeTag(bridgeId: string): string {
    return `{${uuidToRef(bridgeId)}}`;
  }

  /** Conference-ID entries of a bridge, bucketed: hash field = ID modulo 100. */
  directoryBucket(bridgeId: string, conferenceId: number): { key: string; field: string } {
    const bucket = Math.floor(conferenceId / BUCKET_SIZE);
    return { key: `${this.prefix}${this.bridgeTag(bridgeId)}:d:${bucket}`, field: String(conferenceId % BUCKET_SIZE) };
  }

  /** Says whether the cached entries of a bridge may be trusted (see directory/trust.ts). */
  directoryMarker(bridgeId: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:m`;
  }

  /** The trust marker covering a directory key: the marker of its hash tag (a bridge's, or the numbers'). */
  markerOf(key: string): string {
    const close = key.indexOf('}', this.prefix.length);
    if (!key.startsWith(`${this.prefix}{`) || close < 0) throw new Error(`not a directory key: ${key}`);
    return `${key.slice(0, close + 1)}:m`;
  }

  /** Tenant call settings of a bridge: field = tenant ref. */
  tenantSettings(bridgeId: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:t`;
  }

  /** Leader-PIN hashes of a bridge: field = owner ref (user or meeting). */
  leaderPins(bridgeId: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:p`;
  }

  /** Names of the bridge's Jitsi rooms (their conference JIDs): field = owner ref ('r...'). */
  roomNames(bridgeId: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:j`;
  }

  /** Requests to the public Jitsi endpoints by one subject (a client address, an integration) in one minute. */
  jitsiRate(subject: string, minute: number): string {
    return `${this.prefix}jr:${subject}:${minute}`;
  }

  /** Rooms of a bridge whose conference has started: sorted set owner ref → start time (ms). */
  liveRooms(bridgeId: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:l`;
  }

  /**
   * The last start or end event of each room of a bridge (sorted set owner ref → event time, ms),
   * for the last few minutes: an older conference callback arriving later changes nothing.
   */
  roomEvents(bridgeId: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:le`;
  }

  /** SequenceNumbers of start and end callbacks already seen for one Twilio conference (a set). */
  conferenceSequences(bridgeId: string, conferenceSid: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:cs:${conferenceSid}`;
  }

  /** Failed ID entries on a bridge in the last minute (a sliding-window sorted set). */
  bridgeFailures(bridgeId: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:f`;
  }

  /** Guards a bridge's rebuild so that one instance does it. */
  rebuildLock(bridgeId: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:rebuild`;
  }

  /** Dial-in numbers: hash field = E.164. */
  get numbers(): string {
    return `${this.prefix}{n}:numbers`;
  }

  get numbersMarker(): string {
    return `${this.prefix}{n}:m`;
  }

  get numbersRebuildLock(): string {
    return `${this.prefix}{n}:rebuild`;
  }

  /**
   * Failed ID entries of one caller on one bridge (a sliding-window sorted set): `caller` is a
   * keyed digest of the number (caller-digest.ts), never the number.
   */
  callerFailures(bridgeId: string, caller: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:cf:${caller}`;
  }

  /** One ID entry of one call (a digest of CallSid and the step's URL): its answer, for Twilio's retries. */
  entryAttempt(bridgeId: string, attempt: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:a:${attempt}`;
  }

  /** Set while a bridge is over its failed-entry ceiling: the trip is announced once. */
  bridgeBusy(bridgeId: string): string {
    return `${this.prefix}${this.bridgeTag(bridgeId)}:busy`;
  }

  /** The hash tag of one organizer's PIN counts: the leader's owner ref ('u...'). */
  organizerTag(organizer: string): string {
    return `{${organizer}}`;
  }

  /**
   * Wrong leader PINs (and PIN checks under way) for one organizer, from every calling number: a
   * sliding-window sorted set whose members start with the caller's digest.
   */
  organizerPinFailures(organizer: string): string {
    return `${this.prefix}${this.organizerTag(organizer)}:pf`;
  }

  /** One PIN entry of one call: its answer, for Twilio's retries. */
  pinAttempt(organizer: string, attempt: string): string {
    return `${this.prefix}${this.organizerTag(organizer)}:pa:${attempt}`;
  }

  /** Set once the organizer was told of a lock, so that one lock sends one email. */
  organizerLockNotice(organizer: string): string {
    return `${this.prefix}${this.organizerTag(organizer)}:pn`;
  }

  /** Admin requests of one key or address in the current minute. */
  adminRate(subject: string, minute: number): string {
    return `${this.prefix}rl:${subject}:${minute}`;
  }
}
