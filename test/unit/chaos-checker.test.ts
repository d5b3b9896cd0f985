// The chaos checker on hand-made histories: it must find every kind of violation (a stale
// admission above all), and it must not cry wolf over operations that overlap: a call invoked
// before a reset completed may go either way.
import { describe, expect, it } from 'vitest';
import { check, retirements, type ViolationKind } from '../chaos/checker.js';
import type { AdminOp, AuditRecord, CrashRecord, FaultRecord, HistoryEntry, SnapshotRecord, WebhookOp } from '../chaos/history.js';

const T = 1_800_000_000_000; // epoch ms of the made-up run
const iso = (ms: number) => new Date(T + ms).toISOString();
let nextId = 1;

function adminOp(o: Partial<AdminOp> & Pick<AdminOp, 'action'>): AdminOp {
  return { type: 'admin', id: nextId++, phase: 'workload', instance: 'a', invokeMs: T, completeMs: T + 10, method: 'POST', path: '/x', input: {}, outcome: 'ok', status: 200, ...o };
}
const reset = (userId: string, from: string, to: string, at: [number, number], extra: Partial<AdminOp> = {}) =>
  adminOp({ action: 'reset', invokeMs: T + at[0], completeMs: T + at[1], input: { userId }, result: { previousConferenceId: from, conferenceId: to }, ...extra });
const enabled = (userId: string, id: string) => adminOp({ action: 'enable-user', phase: 'setup', status: 201, result: { id: userId, conferenceId: id } });

function call(conferenceId: string, at: [number, number], answer: WebhookOp['answer'], o: Partial<WebhookOp> = {}): WebhookOp {
  return {
    type: 'webhook', id: nextId++, step: 'entry', phase: 'workload', instance: 'b', invokeMs: T + at[0], completeMs: T + at[1],
    callSid: 'CA1', from: '+14155550100', conferenceId, outcome: 'ok', status: 200, contentType: 'text/xml; charset=utf-8', answer, ...o,
  };
}
const fault = (o: Partial<FaultRecord>): FaultRecord => ({ type: 'fault', id: nextId++, fault: 'redis-kill', detail: '', startMs: T, endMs: T, redis: 'none', pg: 'none', ...o });
const row = (conferenceId: string, state: 'active' | 'retired', ownerId: string, expiresAtMs: number | null = null) =>
  ({ conferenceId, state, ownerKind: 'user', ownerId, expiresAtMs, retiredReason: state === 'retired' ? 'reset' : null });
const snapshot = (o: Partial<SnapshotRecord>): SnapshotRecord => ({ type: 'snapshot', id: nextId++, atMs: T + 50_000, bridgeId: 'b1', conferenceIds: [], apiUsers: [], apiMeetings: [], ...o });
const audit = (events: AuditRecord['events']): AuditRecord => ({ type: 'audit', id: nextId++, tenantId: 't1', events });

const kinds = (h: HistoryEntry[]) => check(h).map((v) => v.kind).sort();

describe('the chaos checker', () => {
  it('accepts a clean history with overlapping operations, faults and final checks', () => {
    const h: HistoryEntry[] = [
      enabled('u1', '1111111'),
      reset('u1', '1111111', '2222222', [100, 200]),
      call('1111111', [50, 60], 'admitted'), // long before
      call('1111111', [150, 250], 'admitted'), // invoked before the reset completed: either answer is right
      call('1111111', [199, 205], 'admitted'), // still before
      call('1111111', [201, 210], 'refused'),
      call('2222222', [180, 190], 'admitted'), // the new ID may admit before the answer arrives
      call('2222222', [300, 310], 'admitted'),
      call('2222222', [320, 330], 'unavailable'), // the service could not check: not a violation during the run
      call('9999999', [400, 410], 'refused', { target: 'random' }),
      fault({ fault: 'redis-kill', startMs: T + 1000, endMs: T + 3000, redis: 'all' }),
      fault({ fault: 'pg-cut', startMs: T + 2000, endMs: T + 4000, pg: ['b'] }),
      call('2222222', [2500, 2510], 'apology', { step: 'incoming', conferenceId: undefined }), // both down for b
      call('2222222', [7500, 7510], 'apology', { step: 'incoming', conferenceId: undefined }), // within the grace after both
      adminOp({ action: 'reset', outcome: 'unavailable', status: 503, code: 'unavailable', input: { userId: 'u1' } }),
      snapshot({ conferenceIds: [row('1111111', 'retired', 'u1'), row('2222222', 'active', 'u1')], apiUsers: [{ userId: 'u1', conferenceId: '2222222' }] }),
      call('2222222', [60_000, 60_010], 'admitted', { phase: 'final', instance: 'a' }),
      call('2222222', [60_000, 60_010], 'admitted', { phase: 'final', instance: 'b' }),
      call('1111111', [60_100, 60_110], 'refused', { phase: 'final', instance: 'a' }),
      call('1111111', [60_100, 60_110], 'refused', { phase: 'final', instance: 'b' }),
    ];
    expect(check(h)).toEqual([]);
  });

  it('finds a stale admission: the old ID admitted after the reset answered', () => {
    const r = reset('u1', '1111111', '2222222', [100, 200]);
    const late = call('1111111', [201, 205], 'admitted');
    const v = check([enabled('u1', '1111111'), r, late]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ kind: 'stale-admission', ops: [r.id, late.id] });
    // the organizer step re-checks the ID: admitting there is just as stale
    expect(kinds([r, call('1111111', [300, 305], 'admitted', { step: 'leader' })])).toEqual(['stale-admission']);
  });

  it('times retirements by chosen IDs, disables (known and audited IDs), expiry and bulk jobs', () => {
    const set = adminOp({ action: 'set-id', completeMs: T + 100, input: { userId: 'u1' }, result: { previousConferenceId: '1111111', conferenceId: '3333333' } });
    const same = adminOp({ action: 'set-id', completeMs: T + 100, input: { userId: 'u9' }, result: { previousConferenceId: '9090909', conferenceId: '9090909' } });
    const disable = adminOp({ action: 'disable', method: 'DELETE', status: 204, completeMs: T + 300, input: { userId: 'u2', knownIds: ['4444444'] } });
    const meeting = adminOp({ action: 'schedule-meeting', status: 201, result: { id: 'm1', conferenceId: '6666666', expiresAt: iso(5000) } });
    const job = adminOp({ action: 'bulk-reset', status: 202, invokeMs: T + 1000, completeMs: T + 1010, result: { jobId: 'j1' } });
    const running = adminOp({ action: 'job-poll', method: 'GET', invokeMs: T + 1500, completeMs: T + 1510, input: { jobId: 'j1' }, result: { status: 'running' } });
    const done = adminOp({ action: 'job-poll', method: 'GET', invokeMs: T + 2000, completeMs: T + 2010, input: { jobId: 'j1' }, result: { status: 'succeeded' } });
    const trail = audit([
      { at: iso(290), action: 'user.disabled', targetId: 'u2', details: { retiredConferenceIds: ['4444444', '5555555'] } },
      { at: iso(1200), action: 'conference_id.reset', targetId: 'u3', details: { previousConferenceId: '7777777', conferenceId: '7777700' } },
    ]);
    const r = retirements([set, same, disable, meeting, job, running, done, trail]);
    expect(r.get('1111111')).toMatchObject({ atMs: T + 100, by: 'set-id' });
    expect(r.has('9090909')).toBe(false); // set to the ID it already had: nothing retired
    expect(r.get('4444444')).toMatchObject({ atMs: T + 300, by: 'disable' });
    expect(r.get('5555555')).toMatchObject({ atMs: T + 300, by: 'disable' }); // learnt from the audit trail
    expect(r.get('6666666')).toMatchObject({ atMs: T + 5250, by: 'expiry' });
    expect(r.get('7777777')).toMatchObject({ atMs: T + 2010, by: 'bulk job j1' }); // from the poll that saw it finished
    const ops = [set, disable, meeting, job, running, done, trail];
    expect(kinds([...ops, call('5555555', [301, 302], 'admitted')])).toEqual(['stale-admission']);
    expect(kinds([...ops, call('6666666', [5300, 5301], 'admitted')])).toEqual(['stale-admission']);
    expect(kinds([...ops, call('6666666', [4900, 4901], 'admitted')])).toEqual([]); // before its expiry
    expect(kinds([...ops, call('7777777', [2011, 2012], 'admitted')])).toEqual(['stale-admission']);
    expect(kinds([...ops, call('7777777', [1600, 2100], 'admitted')])).toEqual([]); // before the job was seen finished
  });

  it('does not pin a bulk job on an audit event that may be the harness\'s own reset', () => {
    const job = adminOp({ action: 'bulk-reset', status: 202, invokeMs: T + 1000, completeMs: T + 1010, result: { jobId: 'j1' } });
    const done = adminOp({ action: 'job-poll', method: 'GET', invokeMs: T + 2000, completeMs: T + 2010, input: { jobId: 'j1' }, result: { status: 'failed' } });
    // u4's own reset answered late; u5's never answered (it may have committed at any time)
    const own = reset('u4', '8888881', '8888882', [1100, 5000]);
    const lost = adminOp({ action: 'reset', invokeMs: T + 1100, completeMs: T + 26_000, outcome: 'timeout', status: undefined, input: { userId: 'u5' } });
    const trail = audit([
      { at: iso(1150), action: 'conference_id.reset', targetId: 'u4', details: { previousConferenceId: '8888881', conferenceId: '8888882' } },
      { at: iso(1150), action: 'conference_id.reset', targetId: 'u5', details: { previousConferenceId: '8888891', conferenceId: '8888892' } },
    ]);
    const r = retirements([job, done, own, lost, trail]);
    expect(r.get('8888881')).toMatchObject({ atMs: T + 5000, by: 'reset' });
    expect(r.has('8888891')).toBe(false);
  });

  it('finds an ID held by two owners, in answers and in the admin API\'s view', () => {
    const a = enabled('u1', '1234567');
    const b = reset('u2', '7654321', '1234567', [10, 20]);
    expect(kinds([a, b])).toEqual(['duplicate-id']);
    const snap = snapshot({
      conferenceIds: [row('1234567', 'active', 'u1')],
      apiUsers: [{ userId: 'u1', conferenceId: '1234567' }, { userId: 'u2', conferenceId: '1234567' }],
    });
    expect(kinds([enabled('u1', '1234567'), snap])).toEqual(['duplicate-id']);
  });

  it('finds webhooks Twilio would play as an application error', () => {
    expect(kinds([call('1111111', [0, 5], undefined, { status: 500, outcome: 'error', contentType: 'application/problem+json' })])).toEqual(['webhook-bad-answer']);
    expect(kinds([call('1111111', [0, 5], 'prompt', { contentType: 'application/json' })])).toEqual([]); // read as TwiML was right
    expect(kinds([call('1111111', [0, 5], 'unreadable')])).toEqual(['webhook-bad-answer']);
    expect(kinds([call('1111111', [0, 20_000], undefined, { outcome: 'timeout', status: undefined })])).toEqual(['webhook-failed']);
    expect(kinds([call('1111111', [0, 16_000], 'refused')])).toEqual(['webhook-slow']);
  });

  it('allows an apology only while both Redis and PostgreSQL were faulted for that instance', () => {
    const redisDown = fault({ startMs: T + 1000, endMs: T + 3000, redis: 'all' });
    const pgOfA = fault({ fault: 'pg-cut', startMs: T + 1000, endMs: T + 3000, pg: ['a'] });
    const sorry = (at: number, instance: string) => call('1111111', [at, at + 5], 'apology', { instance });
    expect(kinds([redisDown, sorry(2000, 'b')])).toEqual(['apology']);
    expect(kinds([redisDown, pgOfA, sorry(2000, 'b')])).toEqual(['apology']); // b kept its database
    expect(kinds([redisDown, pgOfA, sorry(2000, 'a')])).toEqual([]);
    expect(kinds([redisDown, pgOfA, sorry(12_000, 'a')])).toEqual(['apology']); // long after both healed
    expect(kinds([sorry(2000, 'a')])).toEqual(['apology']);
  });

  it('after the faults: a current ID must admit on every instance, a retired one must not, and PostgreSQL must hold what was answered', () => {
    const ops = [enabled('u1', '1111111'), reset('u1', '1111111', '2222222', [100, 200])];
    const snap = snapshot({ conferenceIds: [row('1111111', 'retired', 'u1'), row('2222222', 'active', 'u1'), row('3333333', 'retired', 'u9')], apiUsers: [{ userId: 'u1', conferenceId: '2222222' }] });
    const final = (id: string, answer: WebhookOp['answer'], instance = 'a') => call(id, [60_000, 60_010], answer, { phase: 'final', instance });
    expect(kinds([...ops, snap, final('2222222', 'admitted'), final('2222222', 'unavailable', 'b')])).toEqual(['final-current-refused']);
    // 3333333 was retired by a change the history never saw answered: PostgreSQL says so
    expect(kinds([...ops, snap, final('3333333', 'admitted')])).toEqual(['final-retired-admitted']);
    expect(kinds([...ops, snap, final('1111111', 'admitted')]).sort()).toEqual(['final-retired-admitted', 'stale-admission']);
    expect(kinds([...ops, snap, call('5555555', [300, 310], 'admitted')])).toEqual(['phantom-admission']);
    expect(kinds([...ops, snap, final('2222222', 'prompt', 'b'), call('', [60_000, 60_001], 'apology', { step: 'incoming', phase: 'final', conferenceId: undefined })]).sort())
      .toEqual(['apology', 'final-current-refused', 'final-not-served']);
    const lost = snapshot({ conferenceIds: [row('1111111', 'active', 'u1')], apiUsers: [{ userId: 'u1', conferenceId: '1111111' }] });
    expect(kinds([...ops, lost])).toEqual(['lost-grant', 'lost-retirement']);
    const astray = snapshot({ conferenceIds: [row('1111111', 'retired', 'u1'), row('2222222', 'active', 'u1')], apiUsers: [{ userId: 'u1', conferenceId: '1111111' }] });
    expect(kinds([...ops, astray])).toEqual(['inconsistent-view']);
  });

  it('does not expect a user\'s ID to admit at the end while a bulk reset is still unfinished', () => {
    const listing = (status: string) => adminOp({ action: 'list-jobs', phase: 'final', method: 'GET', path: '/tenants/t1/jobs?limit=100', result: { items: [{ id: 'j1', kind: 'conference_id_reset', status }] } });
    const snap = snapshot({ conferenceIds: [row('2222222', 'active', 'u1')], apiUsers: [{ userId: 'u1', conferenceId: '2222222' }] });
    const refusedAtEnd = call('2222222', [60_000, 60_010], 'refused', { phase: 'final' });
    expect(kinds([listing('running'), snap, refusedAtEnd])).toEqual([]);
    expect(kinds([listing('succeeded'), snap, refusedAtEnd])).toEqual(['final-current-refused']);
  });

  it('finds admin 5xx other than 503, admin requests without an answer, and crashed instances', () => {
    expect(kinds([adminOp({ action: 'reset', outcome: 'error', status: 500 })])).toEqual(['admin-5xx']);
    expect(kinds([adminOp({ action: 'reset', outcome: 'unavailable', status: 503 })])).toEqual([]);
    expect(kinds([adminOp({ action: 'reset', outcome: 'timeout', status: undefined })])).toEqual(['admin-no-answer']);
    const crash: CrashRecord = { type: 'crash', id: nextId++, instance: 'a', atMs: T, exit: '1', lastOutput: 'node:events\nError: Connection terminated unexpectedly\n  at x' };
    const refused = call('1111111', [500, 501], undefined, { instance: 'a', outcome: 'error', status: undefined, error: 'ECONNREFUSED' });
    const back = call('1111111', [3000, 3001], 'refused', { instance: 'a' });
    const later = call('1111111', [4000, 4001], undefined, { instance: 'a', outcome: 'error', status: undefined, error: 'ECONNRESET' });
    // while the other instance was being restarted by the harness: no instance was live
    const nowhere = call('1111111', [600, 601], undefined, { instance: 'b', outcome: 'error', status: undefined, error: 'ECONNREFUSED', unrouted: true });
    const v = check([crash, refused, nowhere, back, later]);
    // requests to the crashed instance until it answers again are the crash, reported once
    expect(v.map((x) => x.kind).sort()).toEqual(['instance-crash' satisfies ViolationKind, 'webhook-failed']);
    const c = v.find((x) => x.kind === 'instance-crash')!;
    expect(c.message).toContain('Connection terminated unexpectedly');
    expect(c.ops).toEqual([crash.id, refused.id, nowhere.id]);
  });
});
