// Enqueueing side effects in the caller's transaction. Delivery is the outbox worker's job.
import type { Sql } from './db.js';

export interface OutboxMessage {
  kind: string;
  tenantId: string | null;
  payload: Record<string, unknown>;
  /** Already encrypted, bound to the row's id (see email/messages.ts). */
  secret?: Buffer | null;
  /** The row's id, taken beforehand with nextOutboxId (so a secret can be bound to it). */
  id?: string;
}

export async function enqueue(sql: Sql, m: OutboxMessage): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(
    "INSERT INTO outbox (id, kind, tenant_id, payload, secret) VALUES (coalesce($5::bigint, nextval(pg_get_serial_sequence('outbox', 'id'))), $1, $2, $3, $4) RETURNING id",
    [m.kind, m.tenantId, JSON.stringify(m.payload), m.secret ?? null, m.id ?? null],
  );
  return rows[0]!.id;
}

/** The id the next row will have, for a message whose secret must be sealed to its row. */
export async function nextOutboxId(sql: Sql): Promise<string> {
  const { rows } = await sql.query<{ id: string }>("SELECT nextval(pg_get_serial_sequence('outbox', 'id'))::text AS id");
  return rows[0]!.id;
}
