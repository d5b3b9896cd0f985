// The admin API as the console uses it: same-origin fetches with the signed-in key; refusals
// (application/problem+json) become ApiError with the server's own explanation.

export interface Me { apiKeyId: string | null; name: string; tenantId: string | null; readOnly: boolean }
export interface Tenant { id: string; name: string; sendEmailByDefault: boolean }
export interface User {
  id: string; tenantId: string; email: string; displayName: string; provider: 'builtin' | 'third_party';
  conferenceId: string | null; conferenceIdUpdatedAt: string | null; tollNumber: string | null; tollFreeNumber: string | null;
}
export interface ConferenceIdChange { conferenceId: string; previousConferenceId: string | null; emailQueued: boolean }
export interface AuditEvent { id: string; at: string; actor: { apiKeyId: string | null; name: string }; action: string; target: { type: string; id: string }; details: Record<string, unknown> }

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code?: string) {
    super(message);
  }
}

const KEY_STORAGE = 'attendant.apiKey';

export const session = {
  get key(): string | null {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  set(key: string): void {
    sessionStorage.setItem(KEY_STORAGE, key);
  },
  clear(): void {
    sessionStorage.removeItem(KEY_STORAGE);
  },
};

async function call<T>(method: string, path: string, body?: unknown, key = session.key): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : null;
  if (!res.ok) {
    const p = (parsed ?? {}) as { detail?: string; title?: string; code?: string; errors?: { path: string; message: string }[] };
    const fields = p.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new ApiError(res.status, fields || p.detail || p.title || `HTTP ${res.status}`, p.code);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const seg = encodeURIComponent;
const userPath = (tenantId: string, userId: string) => `/tenants/${seg(tenantId)}/users/${seg(userId)}`;

export const api = {
  me: (key?: string) => call<Me>('GET', '/me', undefined, key),
  tenant: (tenantId: string) => call<Tenant>('GET', `/tenants/${seg(tenantId)}`),
  findUser: async (tenantId: string, email: string) =>
    (await call<{ items: User[] }>('GET', `/tenants/${seg(tenantId)}/users?email=${seg(email)}&limit=1`)).items[0] ?? null,
  user: (tenantId: string, userId: string) => call<User>('GET', userPath(tenantId, userId)),
  resetConferenceId: (tenantId: string, userId: string, sendEmail: boolean) =>
    call<ConferenceIdChange>('POST', `${userPath(tenantId, userId)}/conference-id/reset`, { sendEmail }),
  setConferenceId: (tenantId: string, userId: string, conferenceId: string, sendEmail: boolean) =>
    call<ConferenceIdChange>('PUT', `${userPath(tenantId, userId)}/conference-id`, { conferenceId, sendEmail }),
  sendConferenceInfo: (tenantId: string, userId: string, toAddress?: string) =>
    call<{ emailQueued: true }>('POST', `${userPath(tenantId, userId)}/conference-info/send`, toAddress ? { toAddress } : {}),
  resetLeaderPin: (tenantId: string, userId: string, sendEmail: boolean) =>
    call<{ leaderPin: string; emailQueued: boolean }>('POST', `${userPath(tenantId, userId)}/leader-pin/reset`, { sendEmail }),
  auditEvents: async (tenantId: string) =>
    (await call<{ items: AuditEvent[] }>('GET', `/tenants/${seg(tenantId)}/audit-events?limit=200`)).items,
};
