// The Twilio REST client used for number provisioning: the official `twilio` package, with an
// HTTP client of ours that (1) can send the requests to another base URL (a proxy, or the local
// fake Twilio API the tests start) and (2) retries 429 answers with backoff, honouring
// Retry-After, and then gives up with TwilioRateLimited (which carries a Retry-After for us).
import twilio from 'twilio';
import type BaseRequestClient from 'twilio/lib/base/RequestClient.js';
import type { Config } from '../config.js';

type RequestOptions<T> = BaseRequestClient.RequestOptions<T>;

export interface RetryPolicy {
  /** Retries after the first 429. */
  retries: number;
  baseDelayMs: number;
  /** Upper bound for one wait, whatever Retry-After says. */
  maxDelayMs: number;
  /** No retry starts later than this after the first try: the admin request has a deadline. */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 3000, budgetMs: 6000 };
const REQUEST_TIMEOUT_MS = 5000;

/** Twilio kept answering 429 after every retry. */
export class TwilioRateLimited extends Error {
  constructor(readonly retryAfterS: number, readonly attempts: number) {
    super(`Twilio answered 429 Too Many Requests ${attempts} times`);
    this.name = 'TwilioRateLimited';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After in seconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, nowMs = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  if (/^\d+$/.test(s)) return Number(s);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

export class ProvisioningRequestClient extends twilio.RequestClient {
  readonly #baseUrl: URL | undefined;
  readonly #retry: RetryPolicy;

  constructor({ baseUrl, retry = DEFAULT_RETRY }: { baseUrl?: string; retry?: RetryPolicy } = {}) {
    super({ timeout: REQUEST_TIMEOUT_MS, keepAlive: true });
    this.#baseUrl = baseUrl ? new URL(baseUrl) : undefined;
    this.#retry = retry;
  }

  override async request<TData>(opts: RequestOptions<TData>) {
    const options = { ...opts, uri: this.#rewrite(opts.uri) };
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const res = await super.request<TData>(options);
      if (res.statusCode !== 429) return res;
      const retryAfterS = parseRetryAfter(res.headers?.['retry-after']);
      const backoff = this.#retry.baseDelayMs * 2 ** (attempt - 1);
      const wait = Math.min(this.#retry.maxDelayMs, retryAfterS !== undefined ? retryAfterS * 1000 : backoff / 2 + Math.random() * (backoff / 2));
      if (attempt > this.#retry.retries || Date.now() + wait - started > this.#retry.budgetMs) {
        throw new TwilioRateLimited(Math.max(1, retryAfterS ?? 1), attempt);
      }
      await sleep(wait);
    }
  }

  /** https://api.twilio.com/2010-04-01/... → <base>/2010-04-01/... */
  #rewrite(uri: string): string {
    if (!this.#baseUrl) return uri;
    const u = new URL(uri);
    const base = this.#baseUrl.pathname.replace(/\/$/, '');
    return `${this.#baseUrl.origin}${base}${u.pathname}${u.search}`;
  }
}

export type TwilioClient = ReturnType<typeof twilio>;

export interface TwilioAccess {
  accountSid: string;
  client: TwilioClient;
}

const clients = new WeakMap<Config, TwilioAccess>();

/** The account's client, or null when TWILIO_ACCOUNT_SID or TWILIO_AUTH_TOKEN is not set. */
export function twilioFor(config: Config, retry?: RetryPolicy): TwilioAccess | null {
  const { accountSid, authToken, apiBaseUrl } = config.twilio;
  if (!accountSid || !authToken) return null;
  let access = retry ? undefined : clients.get(config);
  if (!access) {
    const httpClient = new ProvisioningRequestClient({ baseUrl: apiBaseUrl, retry });
    access = { accountSid, client: twilio(accountSid, authToken, { httpClient }) };
    if (!retry) clients.set(config, access);
  }
  return access;
}
