// The audit trail: who did what to which resource, written in the change's own transaction.
// Details never carry PINs or keys (the commands only pass facts such as IDs and flags).
import type { Sql } from './db.js';

export interface Actor {
  apiKeyId: string | null;
  name: string;
}

export interface AuditEvent {
  tenantId: string | null;
  actor: Actor;
  action: string;
  target: { type: string; id: string };
  details?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  seq: string;
  at: Date;
  actor_key_id: string | null;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string;
  details: Record<string, unknown>;
}

export async function recordAudit(sql: Sql, e: AuditEvent): Promise<void> {
  await sql.query(
    `INSERT INTO audit_events (tenant_id, actor_key_id, actor_name, action, target_type, target_id, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [e.tenantId, e.actor.apiKeyId, e.actor.name, e.action, e.target.type, e.target.id, JSON.stringify(e.details ?? {})],
  );
}

export interface AuditFilter {
  /** Continues a page: events older than this one. */
  beforeSeq?: string;
  targetId?: string;
  action?: string;
  limit: number;
}

/** Newest first, optionally only those about one target or of one action. */
export async function listAudit(sql: Sql, tenantId: string, { beforeSeq, targetId, action, limit }: AuditFilter): Promise<AuditRow[]> {
  const { rows } = await sql.query<AuditRow>(
    `SELECT id, seq, at, actor_key_id, actor_name, action, target_type, target_id, details
       FROM audit_events WHERE tenant_id = $1 AND ($2::bigint IS NULL OR seq < $2)
        AND ($3::text IS NULL OR target_id = $3) AND ($4::text IS NULL OR action = $4)
      ORDER BY seq DESC LIMIT $5`,
    [tenantId, beforeSeq ?? null, targetId ?? null, action ?? null, limit],
  );
  return rows;
}
