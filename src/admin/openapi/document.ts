// Builds the OpenAPI 3.1 document of the admin API from the endpoint declarations (endpoints/):
// the same zod schemas validate the requests and describe them, and the same list is mounted by
// the router, so the document cannot miss or misdescribe an endpoint.
import type { Router } from 'express';
import { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors.js';
import type { Endpoint, Method, Samples } from '../endpoint.js';
import { PATH_PARAMS, paramNames } from '../path-params.js';
import { SHAPES, type ShapeName } from './shapes.js';

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

export const openApiPath = (path: string) => API_BASE + path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function errorsOf(op: Endpoint): ErrorCode[] {
  const codes = new Set<ErrorCode>(['unauthorized', 'rate_limited', 'unavailable']);
  if (op.access === 'platform' || op.method !== 'get') codes.add('forbidden');
  if (paramNames(op.path).length) codes.add('not_found');
  if (op.body || op.query || paramNames(op.path).length) codes.add('validation_failed');
  if (op.body) {
    codes.add('bad_request');
    codes.add('payload_too_large');
    codes.add('unsupported_media_type');
  }
  codes.add('method_not_allowed');
  for (const c of op.errors ?? []) codes.add(c);
  return [...codes].sort((a, b) => ERROR_CATALOGUE[a].status - ERROR_CATALOGUE[b].status);
}

function operationObject(op: Endpoint, w: SchemaWriter): Record<string, unknown> {
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
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: w.write(op.body, 'input'), ...exampleOf(op) } } } } : {}),
    responses,
  };
}

/** Made-up values for the documentation's examples. */
export const DOC_SAMPLES: Samples = {
  tenantId: '7f0c1b2a-3d4e-4f50-8a61-72b83c94d0e5',
  bridgeId: '0b5e9d2c-1a3f-4e6d-9c8b-7a6f5e4d3c2b',
  userId: '3c9a8b7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  number: '+14155550123',
  spareNumber: '+14155550124',
  email: () => 'ada@example.com',
  conferenceId: () => '4815162',
  inHours: (h) => new Date(Date.UTC(2030, 0, 15, 9 + h)).toISOString(),
};

function exampleOf(op: Endpoint): Record<string, unknown> {
  const body = op.example?.(DOC_SAMPLES).body;
  return body === undefined ? {} : { example: body };
}

export interface MountedRoute {
  method: Method;
  path: string;
}

/** The routes an Express router serves (405 catch-alls aside): a test compares them with the declarations. */
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

export function buildOpenApi(endpoints: readonly Endpoint[], info: { version: string }): Record<string, unknown> {
  const w = new SchemaWriter();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of endpoints) (paths[openApiPath(op.path)] ??= {})[op.method] = operationObject(op, w);
  for (const [name, schema] of Object.entries(SHAPES)) w.components[name] = w.write(schema, 'output');
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Conference attendant admin API',
      version: info.version,
      description: 'Provision bridges, dial-in numbers and tenants; enable users for audio conferencing; reset conference IDs and leader PINs. '
        + 'Every refusal is `application/problem+json` with a `code`. Admin requests are rate limited per key (429 with `Retry-After`).',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    tags: [...new Set(endpoints.map((o) => o.tag))].map((name) => ({ name })),
    paths: sorted,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`' } },
      schemas: w.components,
    },
  };
}
