// A page of a table's rows sorted by lower(name), then id, after a cursor, optionally only those
// whose name contains a term, ignoring case: tenants and bridges are listed this way.
import type { Sql } from './db.js';
import { containsPattern } from './search-term.js';

export interface NamePageQuery {
  /** Keep the rows whose name contains it, ignoring case (wildcards taken literally). */
  q?: string;
  after?: { name: string; id: string };
  limit: number;
}

/** `table` and `columns` are the caller's constants, never input. */
export async function pageByName<R>(sql: Sql, table: 'tenants' | 'bridges', columns: string, { q, after, limit }: NamePageQuery): Promise<(R & { sort_name: string })[]> {
  const values: unknown[] = [];
  const where = ['true'];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (q !== undefined) where.push(`lower(name) LIKE lower(${param(containsPattern(q))})`);
  if (after) where.push(`(lower(name), id) > (${param(after.name)}, ${param(after.id)}::uuid)`);
  const { rows } = await sql.query<R & { sort_name: string }>(
    `SELECT ${columns}, lower(name) AS sort_name FROM ${table} WHERE ${where.join(' AND ')} ORDER BY lower(name), id LIMIT ${param(limit)}`,
    values,
  );
  return rows;
}
