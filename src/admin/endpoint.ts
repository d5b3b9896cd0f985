// One declaration per admin endpoint: its method and path, who may call it, its request and
// response schemas, an example, and its handler. The router (router.ts), the OpenAPI document
// (openapi/document.ts) and the tests' route tables are all built from the list in endpoints/,
// so none of them can forget an endpoint or disagree about one.
import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import type { Services } from '../services.js';
import type { Principal } from './api-keys.js';
import type { ShapeName } from './openapi/shapes.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call an endpoint; the router enforces it before anything else. `platform`: platform
 * keys only (others 403). `tenant`: the path names a tenant (`:tenantId`) and the key must reach
 * it (platform keys, or that tenant's keys; others 404, as if it did not exist). `any`: every
 * valid key, and the handler shows only what the key may see. Read-only keys may only GET.
 */
export type Access = 'platform' | 'tenant' | 'any';

export interface ResponseDoc {
  description: string;
  /** A named component (openapi/shapes.ts) or an inline schema; none for 204. */
  schema?: ShapeName | z.ZodType;
  contentType?: string;
}

/** Values an example request is written with: made-up ones in the documentation, real ones in tests. */
export interface Samples {
  tenantId: string;
  bridgeId: string;
  userId: string;
  /** A dial-in number of the bridge (a toll number, the bridge's default). */
  number: string;
  /** Another toll number of the same bridge. */
  spareNumber: string;
  /** A fresh email address each time. */
  email(): string;
  /** A 7-digit ID that is likely free. */
  conferenceId(): string;
  /** An instant `hours` from now, ISO 8601. */
  inHours(hours: number): string;
}

export interface Example {
  body?: unknown;
  /** The query string, without '?'. */
  query?: string;
}

/** What a handler answers; the router writes it. */
export interface Reply {
  status: number;
  body?: unknown;
  /** Sent as is (no JSON encoding) when given. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const reply = (status: number, body?: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

export interface Call<Q, B> {
  s: Services;
  principal: Principal;
  /** Path parameters, checked (see PATH_PARAMS): UUIDs in lower case, E.164 numbers. */
  params: Record<string, string>;
  query: Q;
  body: B;
}

type Output<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface EndpointDef<Q extends z.ZodType | undefined, B extends z.ZodType | undefined> {
  method: Method;
  /** Under /api/v1, with Express parameters, e.g. '/tenants/:tenantId/users/:userId'. */
  path: string;
  access: Access;
  tag: string;
  summary: string;
  description?: string;
  query?: Q;
  /** A JSON body (415 for another content type); a missing body is read as {}. */
  body?: B;
  responses: Record<number, ResponseDoc>;
  /** Refusals beyond those every endpoint can give (401, 403, 404, 415, 422, 429, 503 as they apply). */
  errors?: ErrorCode[];
  /** A request that succeeds (shown in the documentation, sent by the tests). */
  example?: (x: Samples) => Example;
  handle(call: Call<Output<Q>, Output<B>>): Promise<Reply> | Reply;
}

/** An endpoint as the router and the document see it. */
export type Endpoint = EndpointDef<z.ZodType | undefined, z.ZodType | undefined>;

/** Declares an endpoint (the function only lets TypeScript infer the handler's types). */
export function endpoint<Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(def: EndpointDef<Q, B>): Endpoint {
  return def as unknown as Endpoint;
}

/** What a successful call answers: 201 when the endpoint may create, else its lowest 2xx. */
export function successStatus(e: Endpoint): number {
  const ok = Object.keys(e.responses).map(Number).filter((s) => s >= 200 && s < 300);
  return ok.includes(201) ? 201 : Math.min(...ok);
}
