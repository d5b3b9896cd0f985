// The checker: a pure function of the history (history.ts) that lists every violation of the
// service's promises. It is conservative: a change counts as done only from the completion of
// its 2xx answer (or, for a bulk job's unit, from the moment the job was seen finished), so a
// call that overlaps a change may go either way, and an operation without an answer proves
// nothing. Because a retired ID is quarantined for the whole run, an ID once retired must never
// admit again.
import type { AdminOp, Affects, AuditRecord, CrashRecord, FaultRecord, HistoryEntry, SnapshotRecord, WebhookOp } from './history.js';

export type ViolationKind =
  | 'stale-admission' | 'phantom-admission' | 'duplicate-id' | 'inconsistent-view' | 'lost-retirement' | 'lost-grant'
  | 'webhook-failed' | 'webhook-bad-answer' | 'webhook-slow' | 'apology'
  | 'final-current-refused' | 'final-retired-admitted' | 'final-not-served'
  | 'admin-5xx' | 'admin-no-answer' | 'instance-crash';

export interface Violation {
  kind: ViolationKind;
  message: string;
  /** History entries that show it. */
  ops: number[];
}

export interface CheckerOptions {
  /** Twilio plays "application error" for a webhook slower than this. */
  webhookDeadlineMs: number;
  /** How long after a fault heals a dependency still counts as faulted (reconnects, the caller path's database breaker, a pool refilling under load). */
  faultGraceMs: number;
  /** Slack on a dynamic ID's expiry before an admission counts as stale (clock reads, rounding). */
  expiryMarginMs: number;
}

export const DEFAULT_OPTIONS: CheckerOptions = { webhookDeadlineMs: 15_000, faultGraceMs: 8000, expiryMarginMs: 250 };

/** The earliest moment from which an ID must be refused, and which entry proves it. */
export interface Retirement { atMs: number; by: string; op: number }

const RESULT_CHANGES = new Set(['reset', 'set-id']);
const isFinished = (s: unknown) => s === 'succeeded' || s === 'failed';

function earliest(map: Map<string, Retirement>, id: unknown, r: Retirement): void {
  if (typeof id !== 'string' || !id) return;
  const cur = map.get(id);
  if (!cur || r.atMs < cur.atMs) map.set(id, r);
}

/** From when each ID must be refused, as far as the history proves it. */
export function retirements(entries: HistoryEntry[], o: CheckerOptions = DEFAULT_OPTIONS): Map<string, Retirement> {
  const out = new Map<string, Retirement>();
  const admins = entries.filter((e): e is AdminOp => e.type === 'admin');
  const audit = entries.filter((e): e is AuditRecord => e.type === 'audit').flatMap((a) => a.events);
  for (const op of admins) {
    if (op.outcome !== 'ok') continue;
    const at = { atMs: op.completeMs, op: op.id };
    if (RESULT_CHANGES.has(op.action) && op.result?.previousConferenceId !== op.result?.conferenceId) {
      earliest(out, op.result?.previousConferenceId, { ...at, by: op.action });
    } else if (op.action === 'disable') {
      const fromAudit = audit.filter((e) => e.action === 'user.disabled' && e.targetId === op.input.userId)
        .flatMap((e) => (Array.isArray(e.details.retiredConferenceIds) ? e.details.retiredConferenceIds : []));
      for (const id of [...((op.input.knownIds as string[] | undefined) ?? []), ...fromAudit]) earliest(out, id, { ...at, by: 'disable' });
    } else if (op.action === 'schedule-meeting' && op.result?.expiresAt) {
      earliest(out, op.result.conferenceId, { atMs: Date.parse(op.result.expiresAt) + o.expiryMarginMs, by: 'expiry', op: op.id });
    }
  }
  for (const [id, r] of bulkRetirements(admins, audit)) earliest(out, id, r);
  return out;
}

/**
 * IDs retired by bulk jobs' units, from the audit trail: a unit's reset is done by the time the
 * job is seen finished. Events that may belong to one of the harness's own resets are left out:
 * those matching a 2xx answer (counted from that answer), and any on a user who had a reset or
 * chosen ID without an answer in flight (it may have committed at any time).
 */
function bulkRetirements(admins: AdminOp[], audit: AuditRecord['events']): Map<string, Retirement> {
  const out = new Map<string, Retirement>();
  const answered = new Set(admins.filter((op) => RESULT_CHANGES.has(op.action) && op.outcome === 'ok')
    .map((op) => `${op.input.userId}|${op.result.previousConferenceId}|${op.result.conferenceId}`));
  for (const job of admins.filter((op) => op.action === 'bulk-reset' && op.outcome === 'ok')) {
    const polls = admins.filter((p) => p.action === 'job-poll' && p.outcome === 'ok' && p.input.jobId === job.result.jobId && isFinished(p.result?.status));
    if (!polls.length) continue;
    const finished = Math.min(...polls.map((p) => p.completeMs));
    const unsure = new Set(admins.filter((op) => RESULT_CHANGES.has(op.action) && op.outcome !== 'ok' && op.outcome !== 'refused' && op.invokeMs < finished)
      .map((op) => op.input.userId));
    for (const e of audit) {
      const at = Date.parse(e.at);
      if (e.action !== 'conference_id.reset' || at < job.invokeMs - 2000 || at > finished) continue;
      if (answered.has(`${e.targetId}|${e.details.previousConferenceId}|${e.details.conferenceId}`) || unsure.has(e.targetId)) continue;
      earliest(out, e.details.previousConferenceId, { atMs: finished, by: `bulk job ${job.result.jobId}`, op: job.id });
    }
  }
  return out;
}

/** Which owner each ID was handed to, by every answer and audit event that says so. */
function grants(entries: HistoryEntry[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const add = (id: unknown, owner: unknown, op: number) => {
    if (typeof id !== 'string' || !id || typeof owner !== 'string') return;
    if (!out.has(id)) out.set(id, new Map());
    if (!out.get(id)!.has(owner)) out.get(id)!.set(owner, op);
  };
  for (const e of entries) {
    if (e.type === 'admin' && e.outcome === 'ok') {
      if (e.action === 'enable-user') add(e.result?.conferenceId, `user:${e.result?.id}`, e.id);
      if (RESULT_CHANGES.has(e.action)) add(e.result?.conferenceId, `user:${e.input.userId}`, e.id);
      if (e.action === 'schedule-meeting' && e.result?.expiresAt) add(e.result.conferenceId, `meeting:${e.result.id}`, e.id);
    }
    if (e.type === 'audit') {
      for (const ev of e.events) {
        if (ev.action === 'conference_id.reset' || ev.action === 'conference_id.set') add(ev.details.conferenceId, `user:${ev.targetId}`, e.id);
      }
    }
  }
  return out;
}

const affects = (a: Affects, instance: string) => a === 'all' || (Array.isArray(a) && a.includes(instance));

function faulted(faults: FaultRecord[], dep: 'redis' | 'pg', op: WebhookOp, graceMs: number): boolean {
  return faults.some((f) => affects(f[dep], op.instance) && f.startMs <= op.completeMs && f.endMs + graceMs >= op.invokeMs);
}

function checkWebhook(op: WebhookOp, faults: FaultRecord[], o: CheckerOptions, v: Violation[]): void {
  const took = op.completeMs - op.invokeMs;
  const where = `${op.step} #${op.id} on ${op.instance}`;
  if (op.outcome === 'timeout' || (op.outcome === 'error' && op.status === undefined)) {
    v.push({ kind: 'webhook-failed', message: `${where}: no answer (${op.error ?? op.outcome}) after ${Math.round(took)} ms`, ops: [op.id] });
    return;
  }
  if (op.status !== 200 || !op.answer || op.answer === 'unreadable') {
    v.push({ kind: 'webhook-bad-answer', message: `${where}: ${op.status} ${op.contentType ?? ''} ${op.answer ?? ''} ${op.error ?? ''}`.trim(), ops: [op.id] });
  }
  if (took > o.webhookDeadlineMs) v.push({ kind: 'webhook-slow', message: `${where}: answered after ${Math.round(took)} ms`, ops: [op.id] });
  if (op.answer === 'apology') {
    const redis = faulted(faults, 'redis', op, o.faultGraceMs);
    const pg = faulted(faults, 'pg', op, o.faultGraceMs);
    if (!(redis && pg)) {
      v.push({ kind: 'apology', message: `${where}: apology while ${redis ? 'only Redis' : pg ? 'only PostgreSQL' : 'neither dependency'} was faulted`, ops: [op.id] });
    }
  }
}

function checkSnapshot(snap: SnapshotRecord, retired: Map<string, Retirement>, granted: Map<string, Map<string, number>>, jobPending: boolean, v: Violation[]): void {
  const rows = new Map(snap.conferenceIds.map((r) => [r.conferenceId, r]));
  const activeCount = new Map<string, number>();
  for (const r of snap.conferenceIds) if (r.state === 'active') activeCount.set(r.conferenceId, (activeCount.get(r.conferenceId) ?? 0) + 1);
  for (const [id, n] of activeCount) if (n > 1) v.push({ kind: 'duplicate-id', message: `PostgreSQL: ${n} active rows hold ${id}`, ops: [snap.id] });
  const byId = new Map<string, string[]>();
  for (const u of snap.apiUsers) if (u.conferenceId) byId.set(u.conferenceId, [...(byId.get(u.conferenceId) ?? []), u.userId]);
  for (const [id, users] of byId) {
    if (users.length > 1) v.push({ kind: 'duplicate-id', message: `the admin API lists ${id} for ${users.length} users (${users.join(', ')})`, ops: [snap.id] });
    const row = rows.get(id);
    // (an unfinished bulk reset may change IDs between reading PostgreSQL and the API)
    if (!jobPending && (!row || row.state !== 'active' || !users.includes(row.ownerId))) {
      v.push({ kind: 'inconsistent-view', message: `the admin API gives user ${users[0]} the ID ${id}, which PostgreSQL has ${row ? `${row.state} for ${row.ownerKind} ${row.ownerId}` : 'nowhere'}`, ops: [snap.id] });
    }
  }
  for (const [id, r] of retired) {
    if (r.by !== 'expiry' && rows.get(id)?.state === 'active') {
      v.push({ kind: 'lost-retirement', message: `${id} was retired by ${r.by} (#${r.op}, a 2xx) but PostgreSQL has it active`, ops: [r.op, snap.id] });
    }
  }
  for (const [id, owners] of granted) {
    if (!rows.has(id)) v.push({ kind: 'lost-grant', message: `${id} was handed out (#${[...owners.values()][0]}) but PostgreSQL has no row for it`, ops: [...owners.values(), snap.id] });
  }
}

/** Every violation the history shows. */
export function check(entries: HistoryEntry[], o: CheckerOptions = DEFAULT_OPTIONS): Violation[] {
  const v: Violation[] = [];
  const faults = entries.filter((e): e is FaultRecord => e.type === 'fault');
  const webhooks = entries.filter((e): e is WebhookOp => e.type === 'webhook');
  const snap = entries.find((e): e is SnapshotRecord => e.type === 'snapshot') ?? null;
  const retired = retirements(entries, o);
  const granted = grants(entries);

  for (const [id, owners] of granted) {
    if (owners.size > 1) v.push({ kind: 'duplicate-id', message: `${id} was handed to ${owners.size} owners: ${[...owners.keys()].join(', ')}`, ops: [...owners.values()] });
  }

  const rows = new Map(snap?.conferenceIds.map((r) => [r.conferenceId, r]) ?? []);
  // A bulk reset still unfinished after the faults (the outbox retries it with a backoff) may
  // change any user's ID during the final calls: only meeting IDs must then still admit.
  const jobPending = unfinishedJobs(entries).some((j) => j.kind === 'conference_id_reset');
  const current = (id: string, atMs: number) => {
    const row = rows.get(id);
    const r = retired.get(id);
    return row?.state === 'active' && (row.expiresAtMs === null || row.expiresAtMs > atMs + o.expiryMarginMs) && !(r && r.atMs <= atMs)
      && !(jobPending && row.ownerKind === 'user');
  };
  const crashed = crashWindows(entries);
  const noAnswer = (op: AdminOp | WebhookOp) => op.outcome === 'timeout' || (op.outcome === 'error' && op.status === undefined);
  /** A request to an instance that had just crashed failing is the crash, reported once with it. */
  const byCrash = (op: AdminOp | WebhookOp) => {
    // (a request that found no live instance at all is the crash's too, whichever instance crashed)
    const c = noAnswer(op) ? crashed.find((w) => (w.instance === op.instance || op.unrouted) && op.completeMs >= w.fromMs && op.invokeMs <= w.toMs) : undefined;
    if (c) c.failed.push(op.id);
    return c !== undefined;
  };
  for (const op of webhooks) {
    if (byCrash(op)) continue;
    checkWebhook(op, faults, o, v);
    if (op.step === 'incoming') {
      if (op.phase === 'final' && op.answer !== 'prompt') v.push({ kind: 'final-not-served', message: `after the faults, incoming #${op.id} on ${op.instance} answered ${op.answer ?? op.outcome}`, ops: [op.id] });
      continue;
    }
    const id = op.conferenceId;
    if (!id) continue;
    const admitted = op.answer === 'admitted';
    const r = retired.get(id);
    if (admitted && r && op.invokeMs > r.atMs) {
      v.push({
        kind: 'stale-admission',
        message: `${op.step} #${op.id} on ${op.instance} admitted ${id} ${Math.round(op.invokeMs - r.atMs)} ms after ${r.by} #${r.op} retired it`,
        ops: [r.op, op.id],
      });
    }
    if (admitted && snap && !rows.has(id)) v.push({ kind: 'phantom-admission', message: `${op.step} #${op.id} admitted ${id}, which PostgreSQL never held`, ops: [op.id] });
    if (op.phase !== 'final' || op.step !== 'entry' || !snap) continue;
    const row = rows.get(id);
    if (admitted && row && (row.state === 'retired' || (row.expiresAtMs !== null && row.expiresAtMs <= op.invokeMs))) {
      v.push({ kind: 'final-retired-admitted', message: `after the faults, #${op.id} on ${op.instance} admitted ${id}, ${row.state === 'retired' ? `retired (${row.retiredReason})` : 'expired'} in PostgreSQL`, ops: [op.id, snap.id] });
    }
    if (!admitted && current(id, op.invokeMs)) {
      v.push({ kind: 'final-current-refused', message: `after the faults, #${op.id} on ${op.instance} answered ${op.answer ?? op.outcome} (${(op.heard ?? []).join(', ')}) to ${id}, active in PostgreSQL`, ops: [op.id, snap.id] });
    }
  }

  for (const op of entries) {
    if (op.type !== 'admin' || byCrash(op)) continue;
    if (op.status !== undefined && op.status >= 500 && op.status !== 503) v.push({ kind: 'admin-5xx', message: `${op.method} ${op.path} #${op.id} on ${op.instance}: ${op.status} ${op.code ?? ''} ${op.error ?? ''}`, ops: [op.id] });
    if (noAnswer(op)) v.push({ kind: 'admin-no-answer', message: `${op.method} ${op.path} #${op.id} on ${op.instance}: ${op.error ?? op.outcome}`, ops: [op.id] });
  }
  for (const c of crashed) {
    const also = c.failed.length ? ` (and ${c.failed.length} requests to it got no answer)` : '';
    v.push({ kind: 'instance-crash', message: `instance ${c.instance} exited on its own (${c.exit}): ${c.reason}${also}`, ops: [c.id, ...c.failed] });
  }
  if (snap) checkSnapshot(snap, retired, granted, jobPending, v);
  return v;
}

/** Jobs still queued or running in the last listing of the final phase (one listing per tenant). */
export function unfinishedJobs(entries: HistoryEntry[]): { id: string; kind: string; status: string; op: number }[] {
  const last = new Map<string, AdminOp>();
  for (const e of entries) if (e.type === 'admin' && e.action === 'list-jobs' && e.phase === 'final' && e.outcome === 'ok') last.set(e.path, e);
  return [...last.values()].flatMap((op) => (op.result.items as { id: string; kind: string; status: string }[])
    .filter((j) => j.status === 'queued' || j.status === 'running').map((j) => ({ id: j.id, kind: j.kind, status: j.status, op: op.id })));
}

interface CrashWindow { id: number; instance: string; exit: string; reason: string; fromMs: number; toMs: number; failed: number[] }

/** Each crash, and the time its instance gave no answers: from just before it until the instance answered again (a request cut off in that time is the crash's). */
function crashWindows(entries: HistoryEntry[]): CrashWindow[] {
  const answered = entries.filter((e): e is AdminOp | WebhookOp => (e.type === 'admin' || e.type === 'webhook') && e.status !== undefined);
  return entries.filter((e): e is CrashRecord => e.type === 'crash').map((c) => ({
    id: c.id, instance: c.instance, exit: c.exit, reason: lastLine(c.lastOutput), failed: [],
    fromMs: c.atMs - 2000,
    toMs: Math.min(...answered.filter((op) => op.instance === c.instance && op.invokeMs > c.atMs).map((op) => op.invokeMs), Infinity),
  }));
}

/** The line of a crash's output that says most: the thrown error, if there is one. */
function lastLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /^\w*Error\b/.test(l)) ?? lines[lines.length - 1] ?? '').slice(0, 200);
}
