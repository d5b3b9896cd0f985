// Jobs and their items. A job is created with all its units in the caller's transaction, plus
// one 'job' outbox row that makes a worker run it. Each item is claimed (SKIP LOCKED) and
// marked done in the same transaction as its effect.
import type { Actor } from './audit.js';
import type { Sql } from './db.js';
import { enqueue } from './outbox.js';

export type JobKind = 'meeting_migration' | 'conference_id_reset' | 'default_number_move';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobRow {
  id: string;
  kind: JobKind;
  tenant_id: string | null;
  bridge_id: string | null;
  status: JobStatus;
  params: Record<string, unknown>;
  actor_key_id: string | null;
  actor_name: string;
  total: number;
  succeeded: number;
  failed: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export const JOB_KIND = 'job';

const COLUMNS = 'id, kind, tenant_id, bridge_id, status, params, actor_key_id, actor_name, total, succeeded, failed, error, created_at, started_at, finished_at';

export interface NewJob {
  kind: JobKind;
  tenantId: string | null;
  bridgeId: string | null;
  actor: Actor;
  params: Record<string, unknown>;
  /** The units: given ids, or the users a source names (read in the same statement). */
  units: string[] | UnitSource;
}

/** Sets of users a job can be made of, chosen in SQL so that even a whole tenant is one statement. */
export type UnitSource =
  /** every enabled builtin user of a tenant (third-party IDs belong to their provider) */
  | { users: 'builtin_of_tenant'; tenantId: string }
  /** the enabled builtin users of a bridge whose effective default number of `type` is `number` */
  | { users: 'with_default_number'; bridgeId: string; type: 'toll' | 'toll_free'; number: string };

function unitQuery(source: UnitSource): { select: string; params: unknown[] } {
  if (source.users === 'builtin_of_tenant') {
    return { select: "SELECT id FROM users WHERE tenant_id = $1 AND disabled_at IS NULL AND provider = 'builtin'", params: [source.tenantId] };
  }
  // the same rule as the user view in users.ts: a per-user default counts while it is on the bridge, of its type
  const column = source.type === 'toll' ? 'default_toll_number' : 'default_toll_free_number';
  return {
    select: `SELECT u.id FROM users u
               JOIN tenants t ON t.id = u.tenant_id
               JOIN bridges b ON b.id = t.bridge_id
               LEFT JOIN dial_in_numbers own ON own.number = u.${column} AND own.bridge_id = t.bridge_id AND own.type = $3
              WHERE t.bridge_id = $1 AND u.disabled_at IS NULL AND u.provider = 'builtin'
                AND coalesce(own.number, b.${column}) = $2`,
    params: [source.bridgeId, source.number, source.type],
  };
}

/** Creates the job, its items and the outbox row that starts it; returns the job id and its size. */
export async function createJob(sql: Sql, j: NewJob): Promise<{ id: string; total: number }> {
  const { rows } = await sql.query<{ id: string }>(
    'INSERT INTO jobs (kind, tenant_id, bridge_id, params, actor_key_id, actor_name) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [j.kind, j.tenantId, j.bridgeId, JSON.stringify(j.params), j.actor.apiKeyId, j.actor.name],
  );
  const id = rows[0]!.id;
  let total: number;
  if (Array.isArray(j.units)) {
    const r = await sql.query('INSERT INTO job_items (job_id, unit_id) SELECT $1, u FROM unnest($2::uuid[]) AS u ON CONFLICT DO NOTHING', [id, j.units]);
    total = r.rowCount ?? 0;
  } else {
    // the select's own parameters come first; the job id is the last one
    const units = unitQuery(j.units);
    const n = units.params.length + 1;
    const r = await sql.query(`INSERT INTO job_items (job_id, unit_id) SELECT $${n}::uuid, unit FROM (${units.select}) AS units(unit) ON CONFLICT DO NOTHING`, [...units.params, id]);
    total = r.rowCount ?? 0;
  }
  await sql.query('UPDATE jobs SET total = $2 WHERE id = $1', [id, total]);
  await enqueue(sql, { kind: JOB_KIND, tenantId: j.tenantId, payload: { jobId: id, kind: j.kind } });
  return { id, total };
}

export async function findJob(sql: Sql, id: string): Promise<JobRow | null> {
  const { rows } = await sql.query<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function markJobRunning(sql: Sql, id: string): Promise<void> {
  await sql.query("UPDATE jobs SET status = 'running', started_at = coalesce(started_at, now()) WHERE id = $1 AND status IN ('queued', 'running')", [id]);
}

/** Pending items, locked for this transaction; items another worker holds are skipped. */
export async function claimItems(sql: Sql, jobId: string, limit: number): Promise<string[]> {
  const { rows } = await sql.query<{ unit_id: string }>(
    `SELECT unit_id FROM job_items WHERE job_id = $1 AND state = 'pending' ORDER BY unit_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [jobId, limit],
  );
  return rows.map((r) => r.unit_id);
}

export async function recordItems(sql: Sql, jobId: string, results: { unitId: string; error: string | null }[]): Promise<void> {
  if (!results.length) return;
  await sql.query(
    `UPDATE job_items i SET state = CASE WHEN r.error IS NULL THEN 'succeeded' ELSE 'failed' END, error = r.error, done_at = now()
       FROM unnest($2::uuid[], $3::text[]) AS r(unit_id, error)
      WHERE i.job_id = $1 AND i.unit_id = r.unit_id AND i.state = 'pending'`,
    [jobId, results.map((r) => r.unitId), results.map((r) => r.error)],
  );
  const failed = results.filter((r) => r.error !== null).length;
  await sql.query('UPDATE jobs SET succeeded = succeeded + $2, failed = failed + $3 WHERE id = $1', [jobId, results.length - failed, failed]);
}

/** Finishes the job once no item is pending; false while some still are. */
export async function finishJob(sql: Sql, jobId: string): Promise<boolean> {
  const { rowCount } = await sql.query(
    `UPDATE jobs SET status = CASE WHEN failed > 0 THEN 'failed' ELSE 'succeeded' END, finished_at = now()
      WHERE id = $1 AND status IN ('queued', 'running')
        AND NOT EXISTS (SELECT 1 FROM job_items WHERE job_id = $1 AND state = 'pending')`,
    [jobId],
  );
  if ((rowCount ?? 0) > 0) return true;
  const { rows } = await sql.query<{ status: string }>('SELECT status FROM jobs WHERE id = $1', [jobId]);
  return rows[0]?.status === 'succeeded' || rows[0]?.status === 'failed';
}

export async function failJob(sql: Sql, jobId: string, error: string): Promise<void> {
  await sql.query("UPDATE jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')", [jobId, error]);
}

export async function jobErrors(sql: Sql, jobId: string, limit = 100): Promise<{ unit_id: string; error: string }[]> {
  const { rows } = await sql.query<{ unit_id: string; error: string }>(
    "SELECT unit_id, error FROM job_items WHERE job_id = $1 AND state = 'failed' ORDER BY unit_id LIMIT $2",
    [jobId, limit],
  );
  return rows;
}

/** A tenant's jobs, newest first. */
export async function listJobs(sql: Sql, tenantId: string, limit: number): Promise<JobRow[]> {
  const { rows } = await sql.query<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT $2`, [tenantId, limit]);
  return rows;
}
