// Twilio's side of a webhook: a form POST (or GET) to a URL under PUBLIC_BASE_URL, signed with
// the auth token as Twilio signs it, delivered to wherever the service really listens.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export interface TwilioEndpoint {
  /** Where the service listens, e.g. http://127.0.0.1:3000. */
  serviceUrl: string;
  /** The PUBLIC_BASE_URL the service was started with: Twilio requests and signs these URLs. */
  publicBaseUrl: string;
  authToken: string;
}

export interface WebhookAnswer {
  url: string;
  status: number;
  contentType: string;
  body: string;
}

/** The service did not answer at all (nothing listening, a wrong host): no HTTP status to show. */
export class ServiceUnreachableError extends Error {
  constructor(readonly url: string, readonly reason: string) {
    super(`cannot reach ${url}: ${reason}`);
    this.name = 'ServiceUnreachableError';
  }
}

function networkReason(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

export const newSid = (prefix: 'CA' | 'CF' | 'AC') => prefix + randomBytes(16).toString('hex');

/** Twilio's X-Twilio-Signature for a request (twilio's own implementation). */
export function sign(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

export class Webhooks {
  readonly publicBaseUrl: string;
  serviceUrl: string;

  constructor(readonly endpoint: TwilioEndpoint) {
    this.publicBaseUrl = endpoint.publicBaseUrl.replace(/\/+$/, '');
    this.serviceUrl = endpoint.serviceUrl.replace(/\/+$/, '');
  }

  /** The URL the service receives for a public one; refuses URLs outside PUBLIC_BASE_URL. */
  route(publicUrl: string): string {
    if (!publicUrl.startsWith(this.publicBaseUrl + '/')) throw new Error(`TwiML points outside PUBLIC_BASE_URL (${this.publicBaseUrl}): ${publicUrl}`);
    return this.serviceUrl + publicUrl.slice(this.publicBaseUrl.length);
  }

  /**
   * Posts (or GETs) `params` to `publicUrl`, signed as Twilio signs it unless `signature` is
   * given. Each request carries a fresh I-Twilio-Idempotency-Token unless `idempotencyToken`
   * is given (a retry sends the first one's again); `headers` are added as they are.
   */
  async send(
    publicUrl: string,
    params: Record<string, string>,
    options: { method?: 'GET' | 'POST'; signature?: string; idempotencyToken?: string; headers?: Record<string, string> } = {},
  ): Promise<WebhookAnswer> {
    const method = options.method ?? 'POST';
    let url = publicUrl;
    let body: string | undefined;
    if (method === 'GET') url += (url.includes('?') ? '&' : '?') + new URLSearchParams(params).toString();
    else body = new URLSearchParams(params).toString();
    const signature = options.signature ?? sign(this.endpoint.authToken, url, method === 'GET' ? {} : params);
    const target = this.route(url);
    const res = await fetch(target, {
      method,
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-twilio-signature': signature,
        'i-twilio-idempotency-token': options.idempotencyToken ?? randomBytes(8).toString('hex'),
        'user-agent': 'TwilioProxy/1.1',
        ...options.headers,
      },
    }).catch((err: unknown) => {
      throw new ServiceUnreachableError(target, networkReason(err));
    });
    return { url: publicUrl, status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
  }
}
