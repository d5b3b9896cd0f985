// The record of a chaos run: every operation with its invoke and completion time, the instance
// it went to, its inputs and its outcome; every fault with the interval it was in force; and the
// final snapshot of PostgreSQL and the admin API. The checker (checker.ts) reads only this, so a
// failing run can be checked again, or inspected, from the JSON-lines file alone.
import { appendFileSync, writeFileSync } from 'node:fs';

/** ok: 2xx (or 200 TwiML); refused: 4xx; unavailable: 503; error: another status or a broken
 * connection; timeout: no answer before the client gave up (the change may or may not be made). */
export type Outcome = 'ok' | 'refused' | 'unavailable' | 'error' | 'timeout';

export type Phase = 'setup' | 'workload' | 'final';

export type AdminAction =
  | 'setup' | 'enable-user' | 'reset' | 'set-id' | 'disable' | 'schedule-meeting'
  | 'bulk-reset' | 'job-poll' | 'list-jobs' | 'list-users' | 'get-meeting' | 'audit-page';

export interface AdminOp {
  type: 'admin';
  id: number;
  action: AdminAction;
  phase: Phase;
  instance: string;
  invokeMs: number;
  completeMs: number;
  method: string;
  path: string;
  /** What the harness asked, and what it knew that matters to the checker (e.g. `knownIds` of a user it disables). */
  input: Record<string, unknown>;
  outcome: Outcome;
  status?: number;
  /** The problem+json `code` of a refusal. */
  code?: string;
  /** The JSON answer of a 2xx. */
  result?: any;
  error?: string;
  /** No instance was live: the request went to one that may be down (see Deployment.route). */
  unrouted?: boolean;
}

/** What a TwiML answer means for the caller (see twiml-answer.ts). */
export type Answer = 'admitted' | 'refused' | 'unavailable' | 'apology' | 'prompt' | 'blocked' | 'not-in-service' | 'unreadable';

export type WebhookStep = 'incoming' | 'entry' | 'leader';

export interface WebhookOp {
  type: 'webhook';
  id: number;
  step: WebhookStep;
  phase: Phase;
  instance: string;
  invokeMs: number;
  completeMs: number;
  callSid: string;
  from: string;
  /** The ID this step decides on (entry: the digits; leader: the ID carried in the call state). */
  conferenceId?: string;
  /** Why the caller chose that ID (current, retired, inflight, random, expiring, final). */
  target?: string;
  outcome: Outcome;
  status?: number;
  contentType?: string;
  answer?: Answer;
  /** The prompts heard, by catalogue key (e.g. retiredId, cannotCheck). */
  heard?: string[];
  error?: string;
  /** No instance was live: the request went to one that may be down (see Deployment.route). */
  unrouted?: boolean;
}

/** Which instances a fault takes a dependency away from: none, all, or the named ones. */
export type Affects = 'none' | 'all' | string[];

export interface FaultRecord {
  type: 'fault';
  id: number;
  fault: string;
  detail: string;
  startMs: number;
  endMs: number;
  redis: Affects;
  pg: Affects;
}

/** A service process that exited without being asked to (the harness restarted it, as a supervisor would). */
export interface CrashRecord {
  type: 'crash';
  id: number;
  instance: string;
  atMs: number;
  exit: string;
  /** The end of its output: the reason, usually. */
  lastOutput: string;
}

export interface ConferenceIdRowSnapshot {
  conferenceId: string;
  state: 'active' | 'retired';
  ownerKind: string;
  ownerId: string;
  expiresAtMs: number | null;
  retiredReason: string | null;
}

export interface SnapshotRecord {
  type: 'snapshot';
  id: number;
  atMs: number;
  bridgeId: string;
  /** Every row of the bridge in `conference_ids`, read straight from PostgreSQL. */
  conferenceIds: ConferenceIdRowSnapshot[];
  /** The admin API's view: every enabled user of the static tenant with its ID. */
  apiUsers: { userId: string; conferenceId: string | null }[];
  /** The admin API's view of the meetings of enabled organizers in the dynamic tenant. */
  apiMeetings: { meetingId: string; conferenceId: string; expiresAtMs: number | null }[];
}

export interface AuditRecord {
  type: 'audit';
  id: number;
  tenantId: string;
  events: { at: string; action: string; targetId: string; details: Record<string, unknown> }[];
}

export interface MetaRecord {
  type: 'meta';
  id: number;
  seed: number;
  variant: 'single' | 'cluster';
  durationS: number;
  startedMs: number;
  instances: string[];
}

export type HistoryEntry = AdminOp | WebhookOp | FaultRecord | CrashRecord | SnapshotRecord | AuditRecord | MetaRecord;

/** Distributes `Omit` over the union, so each record keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Wall-clock milliseconds with sub-millisecond resolution, from a monotonic source. */
export const nowMs = () => performance.timeOrigin + performance.now();

export class History {
  readonly entries: HistoryEntry[] = [];
  #nextId = 1;

  /** `file`: every entry is also appended there as one JSON line, as it is recorded. */
  constructor(readonly file: string | null = null) {
    if (file) writeFileSync(file, '');
  }

  add<T extends WithoutId<HistoryEntry>>(entry: T): T & { id: number } {
    const full = { ...entry, id: this.#nextId++ } as T & { id: number };
    this.entries.push(full as HistoryEntry);
    if (this.file) appendFileSync(this.file, JSON.stringify(full) + '\n');
    return full;
  }
}
