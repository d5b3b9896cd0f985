// Enqueueing side effects in the caller's transaction. Delivery is the outbox worker's job.
import type { Sql } from './db.js';

export interface OutboxMessage {
  kind: string;
  tenantId: string | null;
  payload: Record<string, unknown>;
  /** Already encrypted (see outbox/secrets.ts). */
  secret?: Buffer | null;
}

export async function enqueue(sql: Sql, m: OutboxMessage): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(
    'INSERT INTO outbox (kind, tenant_id, payload, secret) VALUES ($1, $2, $3, $4) RETURNING id',
    [m.kind, m.tenantId, JSON.stringify(m.payload), m.secret ?? null],
  );
  return rows[0]!.id;
}
