// Where the console is, in the URL's fragment (never sent to the server, and never holding the
// key): #/tenants, #/t/<tenant>/users, #/t/<tenant>/users/<user>, #/t/<tenant>/settings,
// #/t/<tenant>/meetings, #/t/<tenant>/numbers, #/t/<tenant>/jobs, #/t/<tenant>/audit?user=<id>&action=<action>.

export type PageName = 'users' | 'user' | 'settings' | 'meetings' | 'numbers' | 'jobs' | 'audit';

export type Route =
  | { page: 'tenants' }
  | { page: PageName; tenantId: string; id?: string; params: URLSearchParams };

const PAGES: readonly string[] = ['users', 'settings', 'meetings', 'numbers', 'jobs', 'audit'];

export function parseRoute(hash: string): Route | null {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'tenants' && parts.length === 1) return { page: 'tenants' };
  if (parts[0] !== 't' || !parts[1]) return null;
  const [, tenantId, section = 'users', id] = parts;
  if (!PAGES.includes(section) || parts.length > 4) return null;
  if (id !== undefined && section !== 'users') return null;
  const page = (id !== undefined ? 'user' : section) as PageName;
  return { page, tenantId, ...(id !== undefined ? { id } : {}), params: new URLSearchParams(search) };
}

export function href(tenantId: string, section: Exclude<PageName, 'user'>, id?: string, params?: Record<string, string>): string {
  const path = `#/t/${encodeURIComponent(tenantId)}/${section}${id ? `/${encodeURIComponent(id)}` : ''}`;
  const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString() : '';
  return q ? `${path}?${q}` : path;
}
