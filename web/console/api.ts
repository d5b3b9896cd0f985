// The admin API as the console uses it: same-origin fetches with the signed-in key. A refusal
// (application/problem+json) becomes an ApiError carrying the server's code, explanation and
// field errors; errors.ts puts them into words.
import { session } from './session.js';
import type {
  AuditEvent, Bridge, ConferenceIdChange, Destination, DestinationBody, DialInNumber, DialInNumberBody, EnabledUser, JitsiIntegration,
  JitsiIntegrationBody, Job, JobAccepted, LeaderPinReset, MapperRoom, Me, NewUser, Page, Tenant, TenantSettings, UnlockAnswer, User,
} from './types.js';

export interface FieldError { path: string; message: string }

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly title: string,
    readonly detail: string,
    readonly fields: FieldError[] = [],
    readonly retryAfterS: number | null = null,
  ) {
    super(detail || title);
  }
}

/** Called when the key stops being accepted (revoked, or the server's bootstrap key changed). */
let onUnauthorized: () => void = () => {};
export const whenUnauthorized = (f: () => void) => { onUnauthorized = f; };

async function call<T>(method: string, path: string, body?: unknown, key = session.key): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : null;
  if (res.ok) return parsed as T;
  const p = (parsed ?? {}) as { code?: string; title?: string; detail?: string; errors?: FieldError[] };
  const retry = Number(res.headers.get('retry-after'));
  const err = new ApiError(res.status, p.code, p.title ?? `HTTP ${res.status}`, p.detail ?? '', p.errors ?? [], Number.isFinite(retry) && retry > 0 ? retry : null);
  if (res.status === 401 && key === session.key) onUnauthorized();
  throw err;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const seg = encodeURIComponent;
const query = (q: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};
const tenantPath = (t: string) => `/tenants/${seg(t)}`;
const userPath = (t: string, u: string) => `${tenantPath(t)}/users/${seg(u)}`;

export interface UserQuery { q?: string; email?: string; cursor?: string; limit: number }
export interface AuditQuery { targetId?: string; action?: string; cursor?: string; limit: number }

export const api = {
  me: (key?: string) => call<Me>('GET', '/me', undefined, key),

  tenants: (q: { q?: string; cursor?: string; limit: number }) => call<Page<Tenant>>('GET', `/tenants${query(q)}`),
  tenant: (t: string) => call<Tenant>('GET', tenantPath(t)),
  updateTenant: (t: string, patch: Partial<TenantSettings>) => call<Tenant>('PATCH', tenantPath(t), patch),

  users: (t: string, q: UserQuery) => call<Page<User>>('GET', `${tenantPath(t)}/users${query({ ...q })}`),
  user: (t: string, u: string) => call<User>('GET', userPath(t, u)),
  enableUser: (t: string, body: NewUser) => call<EnabledUser>('POST', `${tenantPath(t)}/users`, body),
  disableUser: (t: string, u: string) => call<null>('DELETE', userPath(t, u)),
  resetConferenceId: (t: string, u: string, sendEmail: boolean) =>
    call<ConferenceIdChange>('POST', `${userPath(t, u)}/conference-id/reset`, { sendEmail }),
  setConferenceId: (t: string, u: string, conferenceId: string, sendEmail: boolean) =>
    call<ConferenceIdChange>('PUT', `${userPath(t, u)}/conference-id`, { conferenceId, sendEmail }),
  sendConferenceInfo: (t: string, u: string, toAddress?: string) =>
    call<{ emailQueued: true }>('POST', `${userPath(t, u)}/conference-info/send`, toAddress ? { toAddress } : {}),
  resetLeaderPin: (t: string, u: string, sendEmail: boolean) => call<LeaderPinReset>('POST', `${userPath(t, u)}/leader-pin/reset`, { sendEmail }),
  unlockLeaderPin: (t: string, u: string) => call<UnlockAnswer | null>('POST', `${userPath(t, u)}/leader-pin/unlock`, {}),

  bulkReset: (t: string, userIds: string[], sendEmail: boolean) =>
    call<JobAccepted>('POST', `${tenantPath(t)}/conference-id-resets`, { userIds, sendEmail }),
  jobs: (t: string) => call<{ items: Job[] }>('GET', `${tenantPath(t)}/jobs?limit=20`),
  job: (id: string) => call<Job>('GET', `/jobs/${seg(id)}`),

  audit: (t: string, q: AuditQuery) => call<Page<AuditEvent>>('GET', `${tenantPath(t)}/audit-events${query({ ...q })}`),

  bridge: (b: string) => call<Bridge>('GET', `/bridges/${seg(b)}`),
  updateBridge: (b: string, patch: Partial<Omit<Bridge, 'id' | 'createdAt'>>) => call<Bridge>('PATCH', `/bridges/${seg(b)}`, patch),
  numbers: (b: string) => call<{ items: DialInNumber[] }>('GET', `/dial-in-numbers${query({ bridgeId: b })}`),
  /** What a tenant key may read: its bridge and the bridge's numbers. */
  tenantNumbers: (t: string) => call<{ bridge: Bridge; items: DialInNumber[] }>('GET', `/tenants/${seg(t)}/dial-in-numbers`),
  putNumber: (n: string, body: DialInNumberBody) => call<DialInNumber>('PUT', `/dial-in-numbers/${seg(n)}`, body),
  deleteNumber: (n: string) => call<null>('DELETE', `/dial-in-numbers/${seg(n)}`),
  moveDefaultNumber: (b: string, from: string, to: string) => call<JobAccepted>('POST', `/bridges/${seg(b)}/default-number-moves`, { from, to }),

  /** A tenant's destination (`/tenants/{t}`) or a bridge's (`/bridges/{b}`). */
  destination: (owner: string) => call<Destination>('GET', `${owner}/destination`),
  putDestination: (owner: string, body: DestinationBody) => call<Destination>('PUT', `${owner}/destination`, body),
  removeDestination: (owner: string) => call<null>('DELETE', `${owner}/destination`),

  jitsiIntegrations: (t: string) => call<{ items: JitsiIntegration[] }>('GET', `${tenantPath(t)}/jitsi-integrations`),
  createJitsiIntegration: (t: string, body: JitsiIntegrationBody) => call<JitsiIntegration>('POST', `${tenantPath(t)}/jitsi-integrations`, body),
  updateJitsiIntegration: (t: string, i: string, body: Partial<JitsiIntegrationBody>) =>
    call<JitsiIntegration>('PATCH', `${tenantPath(t)}/jitsi-integrations/${seg(i)}`, body),
  deleteJitsiIntegration: (t: string, i: string) => call<null>('DELETE', `${tenantPath(t)}/jitsi-integrations/${seg(i)}`),
  mapperRooms: (t: string, i: string, q: { cursor?: string; limit: number }) =>
    call<Page<MapperRoom>>('GET', `${tenantPath(t)}/jitsi-integrations/${seg(i)}/rooms${query(q)}`),
  resetMapperId: (t: string, i: string, room: string) =>
    call<{ previousConferenceId: string | null }>('POST', `${tenantPath(t)}/jitsi-integrations/${seg(i)}/rooms/${seg(room)}/conference-id/reset`, {}),

  callerBlock: (number: string) => call<Record<string, unknown>>('GET', `/caller-blocks/${seg(number)}`),
  liftCallerBlock: (number: string) => call<unknown>('DELETE', `/caller-blocks/${seg(number)}`),
};

/** The API path of a tenant or a bridge, for the calls that exist for both (destinations). */
export const ownerPath = { tenant: tenantPath, bridge: (b: string) => `/bridges/${seg(b)}` };
