// Lists that come in pages ({ items, nextCursor }): the CLI follows nextCursor until the end (or
// until --limit items), so that a script gets the whole list in one run. A plain array, or
// { items } without a cursor, is one page.
import { describeProblem, problemOf, type AdminApi } from './api.js';
import { CliError, EXIT, usageError } from './exit.js';

/** ATTENDANT_PAGE_SIZE: items asked for per page (tests use small pages to cover paging). */
export function pageSizeFrom(env: Record<string, string | undefined>, fallback?: number): number | undefined {
  const raw = env.ATTENDANT_PAGE_SIZE;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw usageError('ATTENDANT_PAGE_SIZE must be a whole number from 1 to 500');
  return n;
}

/** More pages than this means the service keeps giving cursors back: stop rather than loop. */
const MAX_PAGES = 10_000;

export async function listAll<T>(api: AdminApi, path: string, what: string, { limit, pageSize }: { limit?: number; pageSize?: number } = {}): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams();
    if (pageSize) query.set('limit', String(limit ? Math.min(pageSize, limit - items.length) : pageSize));
    if (cursor) query.set('cursor', cursor);
    const sep = path.includes('?') ? '&' : '?';
    const res = await api.get<{ items: T[]; nextCursor?: string | null } | T[]>(query.size ? `${path}${sep}${query}` : path);
    if (res.status !== 200) throw new CliError(EXIT.failures, `cannot list ${what}: ${describeProblem(problemOf(res))}`);
    const body = res.body;
    const pageItems = Array.isArray(body) ? body : body?.items;
    if (!Array.isArray(pageItems)) throw new CliError(EXIT.failures, `cannot list ${what}: the service answered something that is not a list`);
    items.push(...pageItems);
    cursor = Array.isArray(body) ? null : body.nextCursor ?? null;
    if (limit !== undefined && items.length >= limit) return { items: items.slice(0, limit), more: cursor !== null || items.length > limit };
    if (!cursor) return { items, more: false };
  }
  throw new CliError(EXIT.failures, `cannot list ${what}: more than ${MAX_PAGES} pages`);
}
