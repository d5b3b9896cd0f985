// docs/api.md's curl examples, run as a reader would run them: each ```sh block is extracted from
// the file and executed by bash with the real curl against the service started as a process
// (`node --import tsx src/main.ts`), with $ATTENDANT_URL and $ATTENDANT_API_KEY set and the
// documentation's made-up ids replaced by real ones. Each must answer the status it documents.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ENDPOINTS } from '../../src/admin/endpoints/index.js';
import type { Endpoint } from '../../src/admin/endpoint.js';
import { DOC_SAMPLES, openApiPath } from '../../src/admin/openapi/document.js';
import { docParamValue } from '../../src/admin/openapi/markdown.js';
import { paramNames } from '../../src/admin/path-params.js';
import { EXPECTED, resolve, samples, type Fixture } from '../support/admin-routes.js';
import { AUTH_TOKEN, BOOTSTRAP_KEY, createHarness, freshEmail, provision, type Harness, type Provisioned } from '../support/harness.js';
import { startService, type ServiceProcess } from '../support/process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

export interface CurlExample {
  method: string;
  /** The OpenAPI path of the heading, e.g. /api/v1/tenants/{tenantId}. */
  path: string;
  status: number;
  script: string;
}

/** Every route section's ```sh block: the heading names the route, `# answers N` the status. */
export function curlExamples(markdown: string): CurlExample[] {
  const out: CurlExample[] = [];
  const re = /^#### `([A-Z]+) ([^`]+)`[^\n]*\n[\s\S]*?^```sh\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(re)) {
    const status = /^# answers (\d{3})$/m.exec(m[3]!);
    out.push({ method: m[1]!, path: m[2]!, status: status ? Number(status[1]) : NaN, script: m[3]! });
  }
  return out;
}

const markdown = readFileSync(path.join(ROOT, 'docs/api.md'), 'utf8');
const examples = curlExamples(markdown);
const endpointOf = (x: CurlExample) => ENDPOINTS.find((e) => e.method.toUpperCase() === x.method && openApiPath(e.path) === x.path);

describe('docs/api.md', () => {
  it('has one curl example per endpoint, each with the status it answers', () => {
    expect(examples.map((x) => `${x.method} ${x.path}`).sort()).toEqual(ENDPOINTS.map((e) => `${e.method.toUpperCase()} ${openApiPath(e.path)}`).sort());
    for (const x of examples) {
      expect(x.status, `${x.method} ${x.path}`).toBeGreaterThanOrEqual(200);
      expect(x.script, `${x.method} ${x.path}`).toMatch(/^curl /m);
    }
  });
});

describe('every curl example in docs/api.md, run against a live service', () => {
  let service: ServiceProcess;
  let h: Harness;
  let fixture: Provisioned;
  const ctx: Fixture = () => ({ h, fixture });

  beforeAll(async () => {
    service = await startService({
      NODE_ENV: 'test', PUBLIC_BASE_URL: 'https://attendant.example.com', DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: inject('keyPrefix'), TWILIO_AUTH_TOKEN: AUTH_TOKEN, BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_KEY, SECRETS_KEY: 'a'.repeat(64),
      RUN_WORKER: 'false', LOG_LEVEL: 'warn',
    });
    // fixtures are made in-process against the same database and Redis the service uses
    h = await createHarness();
    fixture = await provision(h, { users: 2 });
    await service.waitUntilReady();
  }, 120_000);

  afterAll(async () => {
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    await h?.close();
  });

  /** The block with real ids: the URL from the route's path, the body's made-up values swapped. */
  async function realScript(e: Endpoint, script: string): Promise<string> {
    const names = paramNames(e.path);
    const params: Record<string, string> = {};
    for (const [i, name] of names.entries()) {
      const fresh = i === names.length - 1 && (e.method === 'put' || e.method === 'delete') ? e.method : null;
      params[name] = await resolve(name, fresh, ctx);
    }
    const real = await samples(ctx, params);
    const swaps: [string, () => string][] = [
      ...names.map((n) => [docParamValue(n), () => params[n]!] as [string, () => string]),
      [DOC_SAMPLES.tenantId, () => real.tenantId], [DOC_SAMPLES.bridgeId, () => real.bridgeId], [DOC_SAMPLES.userId, () => real.userId],
      [DOC_SAMPLES.spareNumber, () => real.spareNumber], [DOC_SAMPLES.number, () => real.number],
      [DOC_SAMPLES.email(), () => freshEmail('doc')], [DOC_SAMPLES.conferenceId(), () => real.conferenceId()],
    ];
    const swap = (text: string) => swaps.reduce((t, [from, to]) => t.split(from).join(to()).split(encodeURIComponent(from)).join(encodeURIComponent(to())), text);
    // the path's parameters by position (a PUT's number is a fresh one, not the samples' number)
    const realPath = e.path.replace(/:([A-Za-z0-9_]+)/g, (_m, n: string) => encodeURIComponent(params[n]!));
    return script.replace(/"\$ATTENDANT_URL\/api\/v1([^"?]*)(\?[^"]*)?"/, (_m, _p, query?: string) => `"$ATTENDANT_URL/api/v1${realPath}${query ? swap(query) : ''}"`)
      .split('\n').map((line) => (line.startsWith('  -d ') ? swap(line) : line)).join('\n');
  }

  it.each(examples.map((x) => [`${x.method} ${x.path}`, x] as const))('%s', async (_name, x) => {
    const e = endpointOf(x);
    expect(e, 'a heading that names no endpoint').toBeDefined();
    const script = await realScript(e!, x.script);
    // the documented command, unchanged but for the ids; curl prints the status after the body
    const wrapper = `curl() { command curl -w '\\n%{http_code}' "$@"; }\nset -e\n${script}`;
    const { stdout } = await run('bash', ['-c', wrapper], {
      env: { ...process.env, ATTENDANT_URL: service.base, ATTENDANT_API_KEY: BOOTSTRAP_KEY }, timeout: 30_000,
    });
    const lines = stdout.trimEnd().split('\n');
    const status = Number(lines.pop());
    // where a test service answers otherwise than documented (no Twilio account here...), as the route tables say
    expect(status, `${script}\n→ ${lines.join('\n').slice(0, 600)}`).toBe(EXPECTED[`${e!.method} ${e!.path}`] ?? x.status);
  });
});
