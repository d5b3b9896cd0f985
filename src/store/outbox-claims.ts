// The worker's side of the outbox: claim due rows under a lease, then settle them. A claim
// writes a fresh token; every later write names that token, so a worker whose lease ran out
// (and whose row another worker now holds) changes nothing.
import type { Database, Sql } from './db.js';

export interface ClaimedMessage {
  id: string;
  kind: string;
  tenant_id: string | null;
  payload: Record<string, unknown>;
  secret: Buffer | null;
  attempts: number;
  created_at: Date;
  claim_token: string;
}

export type FinalStatus = 'sent' | 'dead' | 'undeliverable';

/**
 * Claims up to `limit` due rows of `kind`, oldest first: FOR UPDATE SKIP LOCKED, so concurrent
 * workers take disjoint rows; the lease (next_attempt_at) hides a row from others until it runs out.
 */
export async function claimDue(sql: Sql, o: { kind: string; limit: number; leaseMs: number; worker: string }): Promise<ClaimedMessage[]> {
  const { rows } = await sql.query<ClaimedMessage>(
    `WITH due AS (
       SELECT id FROM outbox
        WHERE status = 'pending' AND kind = $1 AND next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED)
     UPDATE outbox o SET claim_token = gen_random_uuid(), claimed_by = $4, attempts = o.attempts + 1,
            next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
       FROM due WHERE o.id = due.id
     RETURNING o.id, o.kind, o.tenant_id, o.payload, o.secret, o.attempts, o.created_at, o.claim_token`,
    [o.kind, o.limit, o.leaseMs, o.worker],
  );
  return rows;
}

/**
 * claimDue for a lane shared by tenants (jobs), round-robin: the tenant whose turn came longest
 * ago goes first (outbox_tenant_turns), and a tenant that already holds `perTenant` live claims
 * of `kind` is passed over, so one tenant's backlog cannot take every loop of every worker. Claims
 * of the kind take turns (a transaction-scoped advisory lock), so two workers cannot both see a
 * tenant under its limit and both claim for it.
 */
export async function claimDueFairly(db: Database, o: { kind: string; limit: number; leaseMs: number; worker: string; perTenant: number }): Promise<ClaimedMessage[]> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('outbox-claim:' || $1))", [o.kind]);
    const { rows } = await tx.query<ClaimedMessage>(
      `WITH busy AS (
         SELECT tenant_id FROM outbox
          WHERE status = 'pending' AND kind = $1 AND claim_token IS NOT NULL AND next_attempt_at > now() AND tenant_id IS NOT NULL
          GROUP BY tenant_id HAVING count(*) >= $5),
       due AS (
         SELECT o.id FROM outbox o
           LEFT JOIN outbox_tenant_turns t ON t.kind = o.kind AND t.tenant_id = o.tenant_id
          WHERE o.status = 'pending' AND o.kind = $1 AND o.next_attempt_at <= now()
            AND (o.tenant_id IS NULL OR o.tenant_id NOT IN (SELECT tenant_id FROM busy))
          ORDER BY t.last_claimed_at NULLS FIRST, o.next_attempt_at
          LIMIT $2
          FOR UPDATE OF o SKIP LOCKED),
       claimed AS (
         UPDATE outbox o SET claim_token = gen_random_uuid(), claimed_by = $4, attempts = o.attempts + 1,
                next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
           FROM due WHERE o.id = due.id
         RETURNING o.id, o.kind, o.tenant_id, o.payload, o.secret, o.attempts, o.created_at, o.claim_token),
       turns AS (
         INSERT INTO outbox_tenant_turns (kind, tenant_id, last_claimed_at)
         SELECT DISTINCT $1, tenant_id, clock_timestamp() FROM claimed WHERE tenant_id IS NOT NULL
         ON CONFLICT (kind, tenant_id) DO UPDATE SET last_claimed_at = EXCLUDED.last_claimed_at)
       SELECT * FROM claimed`,
      [o.kind, o.limit, o.leaseMs, o.worker, o.perTenant],
    );
    return rows;
  });
}

/** Whether a due, unclaimed message of `kind` belongs to a tenant other than `tenantId` (a job yields its turn then). */
export async function othersWaiting(sql: Sql, kind: string, tenantId: string | null): Promise<boolean> {
  const { rows } = await sql.query<{ waiting: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'pending' AND kind = $1 AND next_attempt_at <= now()
                       AND tenant_id IS DISTINCT FROM $2::uuid) AS waiting`,
    [kind, tenantId],
  );
  return rows[0]!.waiting;
}

/** Extends the lease of a row still held with `token`; false when the row is no longer ours. */
export async function renewLease(sql: Sql, id: string, token: string, leaseMs: number): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
      WHERE id = $1 AND claim_token = $2 AND status = 'pending'`,
    [id, token, leaseMs],
  );
  return (rowCount ?? 0) > 0;
}

/** Settles a row for good and erases its secret. */
export async function settle(sql: Sql, id: string, token: string, status: FinalStatus, error: string | null = null): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE outbox SET status = $3, secret = NULL, done_at = now(), claim_token = NULL, last_error = coalesce($4, last_error),
            sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE NULL END
      WHERE id = $1 AND claim_token = $2 AND status = 'pending'`,
    [id, token, status, error],
  );
  return (rowCount ?? 0) > 0;
}

/** Gives the row back to be tried again after `delayMs`. */
export async function retryLater(sql: Sql, id: string, token: string, delayMs: number, error: string | null): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000), claim_token = NULL, last_error = $4
      WHERE id = $1 AND claim_token = $2 AND status = 'pending'`,
    [id, token, delayMs, error],
  );
  return (rowCount ?? 0) > 0;
}

/** Hands a row back at once without counting the attempt (a worker stopping mid-job). */
export async function release(sql: Sql, id: string, token: string): Promise<void> {
  await sql.query(
    `UPDATE outbox SET next_attempt_at = now(), claim_token = NULL, attempts = greatest(attempts - 1, 0)
      WHERE id = $1 AND claim_token = $2 AND status = 'pending'`,
    [id, token],
  );
}

// ---- what operators see -------------------------------------------------------------------------

export interface OutboxProblemRow {
  id: string;
  kind: string;
  tenant_id: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  done_at: Date | null;
  template: string | null;
}

export async function listOutbox(
  sql: Sql,
  o: { status: 'pending' | 'sent' | 'dead' | 'undeliverable'; tenantId?: string; beforeId?: string; limit: number },
): Promise<OutboxProblemRow[]> {
  const { rows } = await sql.query<OutboxProblemRow>(
    `SELECT id, kind, tenant_id, status, attempts, last_error, created_at, done_at, payload->>'template' AS template
       FROM outbox WHERE status = $1 AND ($2::uuid IS NULL OR tenant_id = $2) AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`,
    [o.status, o.tenantId ?? null, o.beforeId ?? null, o.limit],
  );
  return rows;
}

export async function countByStatus(sql: Sql): Promise<Record<string, number>> {
  const { rows } = await sql.query<{ status: string; n: number }>("SELECT status, count(*)::int AS n FROM outbox WHERE status <> 'sent' GROUP BY status");
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** A dead row back to pending (its secret, if it had one, is gone: a PIN email then fails again). */
export async function requeue(sql: Sql, id: string): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), done_at = NULL, created_at = now()
      WHERE id = $1 AND status IN ('dead', 'undeliverable')`,
    [id],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Deletes settled rows past their retention (sent: `sentDays`; dead and undeliverable, which
 * operators may still look at: `problemDays`), at most `limit` per call.
 */
export async function pruneSettled(sql: Sql, o: { sentDays: number; problemDays: number; limit: number }): Promise<number> {
  const { rowCount } = await sql.query(
    `DELETE FROM outbox WHERE id IN (
       SELECT id FROM outbox
        WHERE status <> 'pending' AND done_at < now() - make_interval(days => least($1::int, $2::int))
          AND (status = 'sent' AND done_at < now() - make_interval(days => $1)
               OR status <> 'sent' AND done_at < now() - make_interval(days => $2))
        LIMIT $3)`,
    [o.sentDays, o.problemDays, o.limit],
  );
  return rowCount ?? 0;
}

/** Pending messages by kind, with the age of the oldest (the outbox metrics). */
export async function outboxDepthByKind(sql: Sql): Promise<{ kind: string; depth: number; age: number | null }[]> {
  const { rows } = await sql.query<{ kind: string; depth: number; age: number | null }>(
    `SELECT kind, count(*)::int AS depth, extract(epoch FROM now() - min(created_at))::float8 AS age
       FROM outbox WHERE status = 'pending' GROUP BY kind`,
  );
  return rows;
}
