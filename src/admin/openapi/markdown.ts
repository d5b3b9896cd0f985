// docs/api.md, written from the endpoint declarations (endpoints/) and the OpenAPI document built
// from them: every route with its access, parameters, answers and a curl example made from its
// `example`. `npm run docs:api` writes the file; test/docs/api-md.test.ts fails when it is stale
// and runs every curl example against a live service.
import { createHash } from 'node:crypto';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors.js';
import { successStatus, type Endpoint } from '../endpoint.js';
import { PATH_PARAMS, paramNames } from '../path-params.js';
import { API_BASE, DOC_SAMPLES, buildOpenApi, openApiPath } from './document.js';

/** Made-up values of path parameters that are not among the samples (stable, so the file is). */
const DOC_PARAMS: Record<string, string> = {
  tenantId: DOC_SAMPLES.tenantId,
  bridgeId: DOC_SAMPLES.bridgeId,
  userId: DOC_SAMPLES.userId,
  number: DOC_SAMPLES.number,
  keyId: '5d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a',
  jobId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d',
  meetingId: 'e1d2c3b4-a5f6-4e7d-8c9b-0a1b2c3d4e5f',
  integrationId: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  roomId: '6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c',
  messageId: '918273645',
  caller: '+14155550199',
};

/** The value a path parameter has in the examples; a new one gets a number or a UUID made from its name. */
export function docParamValue(name: string): string {
  const known = DOC_PARAMS[name];
  if (known) return known;
  if (PATH_PARAMS[name]?.description.includes('E.164')) return '+14155550198';
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What each refusal means, in the API's words (a code added later falls back to its title). */
const WHEN: Partial<Record<ErrorCode, string>> = {
  bad_request: 'the body is not valid JSON, or the request cannot be read',
  unauthorized: 'no API key, or an unknown or revoked one (`WWW-Authenticate: Bearer`)',
  forbidden: 'the key may not do this: a read-only key writing, or a tenant key on a platform route',
  not_found: 'no such resource, or one the key may not see (another tenant\'s answers 404, never 403)',
  method_not_allowed: 'the path exists but not with this method; `Allow` lists the methods it has',
  conference_id_unavailable: 'the chosen conference ID is taken, retired or in quarantine on this bridge',
  user_exists: 'the user is already enabled in this tenant',
  not_supported: 'the tenant\'s settings do not allow this (e.g. a third-party user, a dynamic-ID tenant)',
  number_in_use: 'the number is a bridge default; `detail` names the bridge and the PATCH that frees it',
  twilio_number_not_found: 'the Twilio account has no such number: buy or port it first',
  conflict: 'the change conflicts with the current state; `detail` says how',
  payload_too_large: 'the body is over 100 KiB',
  unsupported_media_type: 'a body that is not `application/json`',
  validation_failed: 'a field, query or path parameter is wrong; `errors` lists each `{ path, message }`',
  rate_limited: 'too many requests for this key (or address); wait `Retry-After` seconds',
  quota_exceeded: 'an admin quota is used up; `detail` names it and `Retry-After` says when it frees',
  internal: 'a bug: logged with the request id, never with details in the answer',
  twilio_auth_failed: 'Twilio refused `TWILIO_ACCOUNT_SID` / `TWILIO_AUTH_TOKEN`; retrying will not help',
  twilio_error: 'Twilio refused the request for another reason (its code and message are in `detail`)',
  unavailable: 'PostgreSQL, Redis or Twilio cannot be reached: nothing was changed; retry (`Retry-After` when known)',
  timeout: 'the request ran longer than `ADMIN_REQUEST_TIMEOUT_MS`',
};

const ACCESS: Record<Endpoint['access'], string> = {
  platform: 'platform keys',
  tenant: 'platform keys and the tenant\'s keys (another tenant\'s key gets 404)',
  any: 'any key (each sees only what it may)',
};

/** Single-quoted for the shell. */
const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** Inside double quotes for the shell, where only $ATTENDANT_URL is to expand. */
const shEscape = (s: string) => s.replace(/(["\\`$])/g, '\\$1');

/** The example's URL path and query, with the documentation's made-up values. */
export function examplePath(e: Endpoint): string {
  const path = e.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => encodeURIComponent(docParamValue(name)));
  const query = e.example?.(DOC_SAMPLES).query;
  return `${API_BASE}${path}${query ? `?${query}` : ''}`;
}

/** The curl command of an endpoint's example. */
export function curlExample(e: Endpoint): string {
  const example = e.example?.(DOC_SAMPLES);
  const lines = [`curl -sS${e.method === 'get' ? '' : ` -X ${e.method.toUpperCase()}`} "$ATTENDANT_URL${shEscape(examplePath(e))}"`, `-H "Authorization: Bearer $ATTENDANT_API_KEY"`];
  if (e.body) lines.push(`-H 'Content-Type: application/json'`, `-d ${shQuote(JSON.stringify(example?.body ?? {}))}`);
  return lines.join(' \\\n  ');
}

type OpenApi = { paths: Record<string, Record<string, OpenApiOperation>> };
type OpenApiOperation = {
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string }>;
};
type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; enum?: unknown[]; format?: string; description?: string; default?: unknown; items?: JsonSchema; anyOf?: JsonSchema[]; $ref?: string; maximum?: number };

function typeOf(s: JsonSchema | undefined): string {
  if (!s) return 'any';
  if (s.$ref) return s.$ref.split('/').pop()!;
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  if (s.type === 'array') return `array of ${typeOf(s.items)}`;
  const t = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  return s.format ? `${t} (${s.format})` : t;
}

function fieldRows(schema: JsonSchema | undefined, kind: 'query' | 'body'): string[] {
  const props = Object.entries(schema?.properties ?? {});
  return props.map(([name, p]) => {
    const notes = [schema?.required?.includes(name) ? 'required' : p.default !== undefined ? `default \`${JSON.stringify(p.default)}\`` : 'optional', p.description].filter(Boolean);
    return `| ${kind} | \`${name}\` | ${typeOf(p)} | ${notes.join('; ')} |`;
  });
}

const heading = (e: Endpoint) => `\`${e.method.toUpperCase()} ${openApiPath(e.path)}\`: ${e.summary}`;

function section(e: Endpoint, op: OpenApiOperation): string[] {
  const out = [`#### ${heading(e)}`, ''];
  out.push(`Access: ${ACCESS[e.access]}${e.method === 'get' ? '' : '; read-only keys get 403'}.`);
  if (e.description) out.push('', e.description);
  const rows: string[] = [];
  for (const p of op.parameters ?? []) {
    if (p.in === 'path') rows.push(`| path | \`${p.name}\` | ${typeOf(p.schema)} | ${p.description ?? ''} |`);
  }
  const query = (op.parameters ?? []).filter((p) => p.in === 'query');
  rows.push(...fieldRows({ properties: Object.fromEntries(query.map((p) => [p.name, p.schema ?? {}])), required: query.filter((p) => p.required).map((p) => p.name) }, 'query'));
  const body = op.requestBody?.content['application/json']?.schema;
  if (body) rows.push(...(body.properties ? fieldRows(body, 'body') : [`| body | | ${typeOf(body)} | see /openapi.json |`]));
  if (rows.length) out.push('', '| in | name | type | notes |', '| --- | --- | --- | --- |', ...rows);
  const answers = Object.entries(e.responses).map(([status, r]) => `\`${status}\` ${r.description}`);
  out.push('', `Answers ${answers.join('; ')}.${e.errors?.length ? ` Refusals of its own: ${e.errors.map((c) => `\`${ERROR_CATALOGUE[c].status} ${c}\``).join(', ')}.` : ''}`);
  out.push('', '```sh', `# answers ${successStatus(e)}`, curlExample(e), '```', '');
  return out;
}

function errorTable(): string[] {
  const rows = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).map((code) => {
    const { status, title } = ERROR_CATALOGUE[code];
    return `| ${status} | \`${code}\` | \`https://attendant.dev/problems/${code.replace(/_/g, '-')}\` | ${WHEN[code] ?? title} |`;
  });
  return ['| status | code | type | when |', '| --- | --- | --- | --- |', ...rows];
}

/** The whole of docs/api.md. */
export function renderApiMarkdown(endpoints: readonly Endpoint[]): string {
  const doc = buildOpenApi(endpoints, { version: 'docs' }) as unknown as OpenApi;
  const tags = [...new Set(endpoints.map((e) => e.tag))];
  // GitHub's anchor of the route's heading: lower case, punctuation dropped, spaces to hyphens
  const anchor = (e: Endpoint) => heading(e).toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
  const out: string[] = [
    '<!-- Written by `npm run docs:api` from src/admin/endpoints/*.ts (src/admin/openapi/markdown.ts): edit those, not this file. -->',
    '# Admin API',
    '',
    'Everything an admin does (bridges, dial-in numbers, tenants, users, conference IDs, leader PINs,',
    'meetings, jobs, the outbox, API keys) is an HTTP call under `/api/v1`, with JSON in and out.',
    'The same declarations give the OpenAPI 3.1 document at `GET /openapi.json` and a rendered page',
    'at `GET /docs` (both without a key), the router, and this file; the `attendant` command',
    '([cli.md](cli.md)) and the console ([console.md](console.md)) use the same calls.',
    '',
    '## Authentication',
    '',
    'Every call carries an API key: `Authorization: Bearer <key>`. Keys are created with',
    '`POST /api/v1/api-keys` (the secret is in that answer only; the service keeps a hash), and are of',
    'three kinds:',
    '',
    '| key | reaches |',
    '| --- | --- |',
    '| platform (`tenantId: null`) | every route, every tenant |',
    '| tenant (`tenantId` set) | its tenant\'s routes; another tenant\'s resources answer 404, platform routes 403 |',
    '| read-only (`readOnly: true`, either kind) | `GET` only; anything else answers 403 |',
    '',
    '`BOOTSTRAP_ADMIN_KEY` (configuration.md) is a platform key read from the environment, for',
    'creating the first stored key; `npm start` on the embedded defaults prints a stored one. Requests',
    'are limited per key (per client address without a valid key) to `ADMIN_RATE_LIMIT_PER_MIN`',
    'a minute across all instances: 429 `rate_limited` with `Retry-After`. Revoking a key',
    '(`DELETE /api/v1/api-keys/{keyId}`) works at once on every instance. See [security.md](security.md).',
    '',
    'The examples below read the service\'s address and a key from the environment, and use made-up',
    'ids (replace them with yours):',
    '',
    '```sh',
    'export ATTENDANT_URL=http://localhost:3000',
    'export ATTENDANT_API_KEY=att_...   # the admin API key `npm start` printed, or BOOTSTRAP_ADMIN_KEY',
    '```',
    '',
    '| in the examples | stands for |',
    '| --- | --- |',
    `| \`${DOC_SAMPLES.tenantId}\` | a tenant |`,
    `| \`${DOC_SAMPLES.bridgeId}\` | a bridge |`,
    `| \`${DOC_SAMPLES.userId}\` | a user of the tenant |`,
    `| \`${DOC_SAMPLES.number}\`, \`${DOC_SAMPLES.spareNumber}\` | dial-in numbers of the bridge (\`%2B\` for \`+\` in paths) |`,
    `| \`${DOC_SAMPLES.email()}\`, \`${DOC_SAMPLES.conferenceId()}\` | an email address, a free conference ID |`,
    '',
    '## Requests and answers',
    '',
    'Bodies are JSON (`Content-Type: application/json`, at most 100 KiB); a field the route does',
    'not know is refused with 422 naming it, never ignored. Path parameters are UUIDs, except',
    'dial-in numbers (E.164, `%2B` for `+`) and outbox message ids. Long lists are paged: `?limit=`',
    '(each route gives its range and default) and `?cursor=` the `nextCursor` of the previous page,',
    'which is `null` on the last one. Times are ISO 8601 in UTC.',
    '',
    '## Errors',
    '',
    'Every refusal is `application/problem+json` (RFC 9457) with a stable `code`, never a stack trace:',
    '',
    '```json',
    '{ "type": "https://attendant.dev/problems/validation-failed", "title": "Validation failed", "status": 422,',
    '  "detail": "email: must be an email address", "code": "validation_failed",',
    '  "errors": [{ "path": "email", "message": "must be an email address" }] }',
    '```',
    '',
    'Bad input is a 4xx, never a 500. Every route can answer 401, 429 and 503; routes with path',
    'parameters 404 and 422; writes 403 (read-only keys), 415 and 413; each route below names the',
    'refusals of its own. A 503 changed nothing, so the call may be repeated.',
    '',
    ...errorTable(),
    '',
    '## Routes',
    '',
    ...tags.flatMap((tag) => [`- ${tag}: ${endpoints.filter((e) => e.tag === tag).map((e) => `[\`${e.method.toUpperCase()} ${openApiPath(e.path).slice(API_BASE.length)}\`](#${anchor(e)})`).join(', ')}`]),
    '',
  ];
  for (const tag of tags) {
    out.push(`### ${tag}`, '');
    for (const e of endpoints.filter((x) => x.tag === tag)) out.push(...section(e, doc.paths[openApiPath(e.path)]![e.method]!));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
