// The admin API over HTTP, as scripts use it: ATTENDANT_URL and ATTENDANT_API_KEY, JSON in and
// out. 429 (and 503 with Retry-After) are retried after the time the service asks for, when it
// is at most maxWaitMs (a tenant quota's long Retry-After ends the item instead);
// connection failures are retried for idempotent calls; then CliError(3). 401 and 403 end the
// command with exit code 3 as well: no item can succeed with that key.
import { CliError, EXIT } from './exit.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A problem+json answer, trimmed to what a script needs. */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

export interface ApiOptions {
  /** Retries after 429 / 503+Retry-After / connection failures. */
  retries?: number;
  /** Longest wait for one retry, whatever Retry-After says. */
  maxWaitMs?: number;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AdminApi {
  readonly #base: string;
  readonly #key: string;
  readonly #retries: number;
  readonly #maxWaitMs: number;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, apiKey: string, options: ApiOptions = {}) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#key = apiKey;
    this.#retries = options.retries ?? 3;
    this.#maxWaitMs = options.maxWaitMs ?? 30_000;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  put = <T = any>(path: string, body: unknown) => this.request<T>('PUT', path, body);
  patch = <T = any>(path: string, body: unknown) => this.request<T>('PATCH', path, body);
  del = <T = any>(path: string) => this.request<T>('DELETE', path);
  /** `idempotent: false` for POSTs that must not run twice (starting a job). */
  post = <T = any>(path: string, body: unknown, { idempotent = true } = {}) => this.request<T>('POST', path, body, idempotent);

  async request<T>(method: string, path: string, body?: unknown, idempotent = method !== 'POST'): Promise<ApiResponse<T>> {
    const url = `${this.#base}/api/v1${path}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: { authorization: `Bearer ${this.#key}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body !== undefined ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
      } catch (err) {
        if (idempotent && attempt < this.#retries) {
          await sleep(Math.min(this.#maxWaitMs, 500 * 2 ** attempt));
          continue;
        }
        throw new CliError(EXIT.unreachable, `cannot reach ${this.#base}: ${describeNetworkError(err)}`);
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch { /* not JSON: keep the text */ }
      if (res.status === 401 || res.status === 403) {
        const detail = (parsed as Problem | null)?.detail ?? res.statusText;
        throw new CliError(EXIT.unreachable, `${method} ${path}: ${res.status} ${detail} (check ATTENDANT_API_KEY: numbers, bridges, tenants and keys need a platform key)`);
      }
      const retryAfter = Number(res.headers.get('retry-after'));
      // a quota's "retry in an hour" is an answer, not a hiccup: only short waits are retried
      const shortWait = !(retryAfter * 1000 > this.#maxWaitMs);
      const retryable = shortWait && (res.status === 429 || (res.status === 503 && idempotent && Number.isFinite(retryAfter) && retryAfter > 0));
      if (retryable && attempt < this.#retries) {
        await sleep(Math.min(this.#maxWaitMs, (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1) * 1000));
        continue;
      }
      return { status: res.status, body: parsed as T, headers: res.headers };
    }
  }
}

export function problemOf(res: ApiResponse): Problem {
  const b = res.body as Partial<Problem> | string | null;
  if (b && typeof b === 'object' && typeof b.code === 'string') {
    return { status: res.status, code: b.code, detail: b.detail ?? '', ...(b.errors ? { errors: b.errors } : {}) };
  }
  return { status: res.status, code: `http_${res.status}`, detail: typeof b === 'string' ? b.slice(0, 200) : '' };
}

/** "422 validation_failed: country: must be ..." */
export function describeProblem(p: Problem): string {
  const fields = p.errors?.length ? p.errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; ') : p.detail;
  return `${p.status} ${p.code}: ${fields}`;
}

function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

export const enc = encodeURIComponent;
