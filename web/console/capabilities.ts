// What this server's admin API offers, read once from its OpenAPI document (/openapi.json, no
// key needed), so the console offers a feature exactly when the server has it and never
// probes with requests that fail: a tenant list, search by name, unlocking a leader step.

export interface Capabilities {
  /** GET /tenants (platform keys): a tenant picker instead of a tenant ID field. */
  tenantList: boolean;
  /** GET /tenants?q= */
  tenantSearch: boolean;
  /** GET /tenants/{t}/users?q=: search by name or email; otherwise by whole email only. */
  userSearch: boolean;
  /** POST /tenants/{t}/users/{u}/leader-pin/unlock */
  leaderPinUnlock: boolean;
  /** GET /tenants/{t}/audit-events?targetId=&action= */
  auditFilters: boolean;
  /** GET/PUT /tenants/{t}/destination: SIP destinations (Jigasi, BigBlueButton, a SIP bridge). */
  destinations: boolean;
  /** GET/POST /tenants/{t}/jitsi-integrations: the Jitsi-compatible conference mapper. */
  jitsi: boolean;
  /** GET /tenants/{t}/jitsi-integrations/{i}/rooms: the mapper's rooms, their IDs to reset. */
  mapperRooms: boolean;
  /** GET/DELETE /caller-blocks/{number} (platform keys): see and lift a calling number's block. */
  callerBlocks: boolean;
  /** GET /tenants/{t}/dial-in-numbers: a tenant key reads its bridge and numbers. */
  tenantNumbers: boolean;
}

interface Operation { parameters?: { name: string; in: string }[] }
type Paths = Record<string, Record<string, Operation | undefined> | undefined>;

const NONE: Capabilities = {
  tenantList: false, tenantSearch: false, userSearch: false, leaderPinUnlock: false, auditFilters: false,
  destinations: false, jitsi: false, mapperRooms: false, callerBlocks: false, tenantNumbers: false,
};

export function capabilitiesOf(paths: Paths): Capabilities {
  const op = (method: string, path: string) => paths[`/api/v1${path}`]?.[method];
  const takes = (method: string, path: string, ...names: string[]) => {
    const params = op(method, path)?.parameters ?? [];
    return names.every((n) => params.some((p) => p.in === 'query' && p.name === n));
  };
  const user = '/tenants/{tenantId}/users';
  return {
    tenantList: op('get', '/tenants') !== undefined,
    tenantSearch: takes('get', '/tenants', 'q'),
    userSearch: takes('get', user, 'q'),
    leaderPinUnlock: op('post', `${user}/{userId}/leader-pin/unlock`) !== undefined,
    auditFilters: takes('get', '/tenants/{tenantId}/audit-events', 'targetId', 'action'),
    destinations: op('get', '/tenants/{tenantId}/destination') !== undefined && op('put', '/tenants/{tenantId}/destination') !== undefined,
    jitsi: op('get', '/tenants/{tenantId}/jitsi-integrations') !== undefined,
    mapperRooms: op('get', '/tenants/{tenantId}/jitsi-integrations/{integrationId}/rooms') !== undefined,
    // the parameter's name is the server's business: any /caller-blocks/{...} with GET and DELETE
    callerBlocks: Object.entries(paths).some(([p, ops]) => /^\/api\/v1\/caller-blocks\/\{[^}]+\}$/.test(p) && !!ops?.get && !!ops.delete),
    tenantNumbers: op('get', '/tenants/{tenantId}/dial-in-numbers') !== undefined,
  };
}

export async function loadCapabilities(): Promise<Capabilities> {
  try {
    const res = await fetch('/openapi.json', { cache: 'no-store' });
    if (!res.ok) return NONE;
    const doc = (await res.json()) as { paths?: Paths };
    return capabilitiesOf(doc.paths ?? {});
  } catch {
    return NONE; // the console still works, with the fallbacks
  }
}
