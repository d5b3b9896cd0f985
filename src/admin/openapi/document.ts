// Builds the OpenAPI 3.1 document of the admin API from the zod schemas that validate it.
//
// A route group documents itself by declaring its operations next to its router and schemas:
//
//   export const meetingRoutes = documented(meetingOperations, (s) => { const r = Router(); ...; return r; });
//
// where each operation names its method and path (as in Express), its zod body or query, and
// its responses. createApp() collects the operations of the core groups and of every extra
// group, and the document also lists any mounted route nobody documented (marked
// `x-undocumented`, and logged at start), so a forgotten route is visible, not silently missing.
import type { Router } from 'express';
import { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors.js';
import type { Services } from '../../services.js';
import { SHAPES, type ShapeName } from './shapes.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseDoc {
  description: string;
  /** A named component (shapes.ts) or an inline schema; none for 204. */
  schema?: ShapeName | z.ZodType;
  contentType?: string;
}

export interface Operation {
  method: Method;
  /** Express path under /api/v1, e.g. '/tenants/:tenantId/users/:userId'. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** platform: only platform keys; tenant: platform keys and the tenant's own keys. */
  access: 'platform' | 'tenant' | 'any';
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseDoc>;
  /** Refusals beyond those every operation can give (401, 403, 404, 422, 429, 503 as they apply). */
  errors?: ErrorCode[];
}

/** A route group: builds its router; may carry the operations it serves. */
export type AdminRoutes = ((s: Services) => Router) & { operations?: readonly Operation[] };

export function documented(operations: readonly Operation[], routes: (s: Services) => Router): AdminRoutes {
  return Object.assign(routes, { operations });
}

const uuidParam = z.string().meta({ format: 'uuid' });
/** Path parameters by name; a group with a new name adds it here. */
export const PATH_PARAMS: Record<string, { schema: z.ZodType; description: string }> = {
  bridgeId: { schema: uuidParam, description: 'bridge id' },
  tenantId: { schema: uuidParam, description: 'tenant id' },
  userId: { schema: uuidParam, description: 'user id' },
  keyId: { schema: uuidParam, description: 'API key id' },
  jobId: { schema: uuidParam, description: 'job id' },
  meetingId: { schema: uuidParam, description: 'meeting id' },
  number: { schema: z.string().regex(/^\+[1-9][0-9]{6,14}$/), description: 'E.164 number, URL-encoded (%2B for +)' },
};

export const API_BASE = '/api/v1';

/** Turns every zod schema into JSON Schema 2020-12 with refs into #/components/schemas. */
class SchemaWriter {
  readonly #registry = z.registry<{ id: string }>();
  readonly components: Record<string, unknown> = {};

  constructor() {
    for (const [name, schema] of Object.entries(SHAPES)) this.#registry.add(schema, { id: name });
    for (const name of Object.keys(SHAPES)) this.components[name] = null;
  }

  write(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
    const json = z.toJSONSchema(schema, { metadata: this.#registry, io, unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
    const defs = (json.$defs ?? {}) as Record<string, unknown>;
    delete json.$defs;
    delete json.$schema;
    for (const [name, def] of Object.entries(defs)) this.components[name] ??= tidy(def);
    return tidy(json) as Record<string, unknown>;
  }
}

/** Refs to components; format-checked strings lose zod's long patterns (the format says it). */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace(/^#\/\$defs\//, '#/components/schemas/');
    else if (k === 'pattern' && ['uuid', 'date-time', 'email'].includes(String((node as { format?: unknown }).format))) continue;
    else if (k === '$schema' || k === '$id') continue;
    else out[k] = tidy(v);
  }
  return out;
}

const openApiPath = (path: string) => API_BASE + path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const paramNames = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

function errorsOf(op: Operation): ErrorCode[] {
  const codes = new Set<ErrorCode>(['unauthorized', 'rate_limited', 'unavailable']);
  if (op.access === 'platform' || op.method !== 'get') codes.add('forbidden');
  if (paramNames(op.path).length) codes.add('not_found');
  if (op.body || op.query || paramNames(op.path).length) codes.add('validation_failed');
  if (op.body) {
    codes.add('bad_request');
    codes.add('payload_too_large');
  }
  for (const c of op.errors ?? []) codes.add(c);
  return [...codes].sort((a, b) => ERROR_CATALOGUE[a].status - ERROR_CATALOGUE[b].status);
}

function operationObject(op: Operation, w: SchemaWriter): Record<string, unknown> {
  const ref = (s: ShapeName | z.ZodType) => (typeof s === 'string' ? { $ref: `#/components/schemas/${s}` } : w.write(s, 'output'));
  const parameters: unknown[] = paramNames(op.path).map((name) => ({
    name, in: 'path', required: true, description: PATH_PARAMS[name]?.description, schema: w.write(PATH_PARAMS[name]?.schema ?? z.string(), 'input'),
  }));
  if (op.query) {
    const q = w.write(op.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
    }
  }
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = { description: r.description, ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: ref(r.schema) } } } : {}) };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorsOf(op)) byStatus.set(ERROR_CATALOGUE[code].status, [...(byStatus.get(ERROR_CATALOGUE[code].status) ?? []), code]);
  for (const [status, codes] of byStatus) {
    responses[String(status)] ??= {
      description: codes.map((c) => `\`${c}\``).join(', '),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  const access = { platform: 'Platform keys only.', tenant: 'Platform keys, and keys of this tenant (other tenants answer 404).', any: 'Any key.' }[op.access];
  return {
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, `**Access:** ${access}${op.method === 'get' ? '' : ' Read-only keys are refused (403).'}`].filter(Boolean).join('\n\n'),
    operationId: `${op.method}${op.path.replace(/:([A-Za-z0-9_]+)/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: w.write(op.body, 'input') } } } } : {}),
    responses,
  };
}

export interface MountedRoute {
  method: Method;
  path: string;
}

/** The routes an Express router serves (route groups are mounted at its root). */
export function mountedRoutes(router: Router): MountedRoute[] {
  const out: MountedRoute[] = [];
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method as Method, path: layer.route.path });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((router as unknown as { stack: Layer[] }).stack);
  return out;
}

export interface BuiltDocument {
  document: Record<string, unknown>;
  /** Mounted routes with no operation: listed in the document without schemas. */
  undocumented: MountedRoute[];
}

export function buildOpenApi(operations: readonly Operation[], mounted: readonly MountedRoute[], info: { version: string }): BuiltDocument {
  const w = new SchemaWriter();
  // parameter names do not matter for matching ('/jobs/:id' is '/jobs/:jobId')
  const key = (m: string, p: string) => `${m} ${p.replace(/:[A-Za-z0-9_]+/g, ':')}`;
  const mountedKeys = new Set(mounted.map((r) => key(r.method, r.path)));
  const paths: Record<string, Record<string, unknown>> = {};
  // Documented operations of routes that are not mounted in this build are left out; a later
  // operation for the same route replaces an earlier one.
  const chosen = new Map<string, Operation>();
  for (const op of operations) if (mountedKeys.has(key(op.method, op.path))) chosen.set(key(op.method, op.path), op);
  for (const op of chosen.values()) (paths[openApiPath(op.path)] ??= {})[op.method] = operationObject(op, w);
  const undocumented = mounted.filter((r) => !chosen.has(key(r.method, r.path)));
  for (const r of undocumented) {
    (paths[openApiPath(r.path)] ??= {})[r.method] = { summary: 'Not documented yet', 'x-undocumented': true, responses: { default: { description: 'see the contract' } } };
  }
  for (const [name, schema] of Object.entries(SHAPES)) w.components[name] = w.write(schema, 'output');
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    undocumented,
    document: {
      openapi: '3.1.0',
      info: {
        title: 'Conference attendant admin API',
        version: info.version,
        description: 'Provision bridges, dial-in numbers and tenants; enable users for audio conferencing; reset conference IDs and leader PINs. '
          + 'Every refusal is `application/problem+json` with a `code`. Admin requests are rate limited per key (429 with `Retry-After`).',
      },
      servers: [{ url: '/' }],
      security: [{ apiKey: [] }],
      tags: [...new Set([...chosen.values()].map((o) => o.tag))].map((name) => ({ name })),
      paths: sorted,
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`' } },
        schemas: w.components,
      },
    },
  };
}
