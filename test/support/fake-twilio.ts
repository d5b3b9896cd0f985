// A local stand-in for the two Twilio REST endpoints that number provisioning uses, answering
// with Twilio's documented JSON (resource fields in snake_case, list pages with their paging
// keys, errors as { code, message, more_info, status }). It checks HTTP Basic auth (account SID
// and auth token) and can be told to answer 401 or 429 (with or without Retry-After).
//   GET  /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json?PhoneNumber=&PageSize=&Page=
//   POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json  (form-encoded)
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeNumber {
  sid: string;
  phone_number: string;
  friendly_name: string;
  voice_url: string | null;
  voice_method: string;
  voice_fallback_url: string | null;
  voice_fallback_method: string;
  status_callback: string | null;
  status_callback_method: string;
  voice_application_sid: string | null;
  trunk_sid: string | null;
  voice_receive_mode: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  form: Record<string, string>;
  authorized: boolean;
}

// The update parameters Twilio documents for IncomingPhoneNumber (and the resource field each sets).
const UPDATABLE: Record<string, keyof FakeNumber> = {
  VoiceUrl: 'voice_url', VoiceMethod: 'voice_method', VoiceFallbackUrl: 'voice_fallback_url',
  VoiceFallbackMethod: 'voice_fallback_method', StatusCallback: 'status_callback',
  StatusCallbackMethod: 'status_callback_method', VoiceApplicationSid: 'voice_application_sid',
  TrunkSid: 'trunk_sid', VoiceReceiveMode: 'voice_receive_mode', FriendlyName: 'friendly_name',
};

const LIST = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/IncomingPhoneNumbers\.json$/;
const ONE = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/IncomingPhoneNumbers\/(PN[0-9a-f]{32})\.json$/;

export class FakeTwilio {
  readonly accountSid = 'AC' + randomBytes(16).toString('hex');
  readonly numbers = new Map<string, FakeNumber>();
  readonly requests: RecordedRequest[] = [];
  #failures: { status: 401 | 429 | 500; remaining: number; retryAfter?: string }[] = [];
  #server = http.createServer((req, res) => void this.#handle(req, res));
  url = '';

  constructor(readonly authToken: string) {}

  async start(): Promise<this> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((r) => this.#server.close(r));
  }

  /** Adds a number to the account, configured as a fresh purchase (or as `over` says). */
  addNumber(phoneNumber: string, over: Partial<FakeNumber> = {}): FakeNumber {
    const n: FakeNumber = {
      sid: 'PN' + randomBytes(16).toString('hex'), phone_number: phoneNumber, friendly_name: phoneNumber,
      voice_url: 'https://demo.twilio.com/welcome/voice/', voice_method: 'POST', voice_fallback_url: null,
      voice_fallback_method: 'POST', status_callback: null, status_callback_method: 'POST',
      voice_application_sid: '', trunk_sid: null, voice_receive_mode: 'voice', ...over,
    };
    this.numbers.set(n.sid, n);
    return n;
  }

  byNumber(phoneNumber: string): FakeNumber | undefined {
    return [...this.numbers.values()].find((n) => n.phone_number === phoneNumber);
  }

  /** The next `times` requests (whatever they are) get `status`; 401 as for a wrong auth token. */
  failNext(status: 401 | 429 | 500, times = 1, retryAfter?: string): void {
    this.#failures.push({ status, remaining: times, retryAfter });
  }

  reset(): void {
    this.requests.length = 0;
    this.#failures = [];
  }

  get updates(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST');
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const authorized = req.headers.authorization === 'Basic ' + Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64');
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), form, authorized });

    const failure = this.#failures[0];
    if (failure) {
      if (--failure.remaining <= 0) this.#failures.shift();
      if (failure.status === 401) return this.#error(res, 401, 20003, 'Authenticate');
      if (failure.status === 429) return this.#error(res, 429, 20429, 'Too Many Requests', failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {});
      return this.#error(res, 500, 20500, 'Internal Server Error');
    }
    if (!authorized) return this.#error(res, 401, 20003, 'Authenticate');

    const list = LIST.exec(url.pathname);
    const one = ONE.exec(url.pathname);
    if ((list?.[1] ?? one?.[1]) !== this.accountSid) return this.#notFound(res, url.pathname);
    if (list && req.method === 'GET') return this.#list(res, url);
    if (one && req.method === 'POST') {
      const n = this.numbers.get(one[2]!);
      if (!n) return this.#notFound(res, url.pathname);
      for (const [param, field] of Object.entries(UPDATABLE)) {
        // Twilio stores an empty VoiceApplicationSid / TrunkSid as "no app / no trunk"
        if (param in form) (n as unknown as Record<string, string | null>)[field] = field === 'trunk_sid' && form[param] === '' ? null : form[param]!;
      }
      return this.#json(res, 200, this.#resource(n));
    }
    return this.#error(res, 405, 20004, 'Method not allowed');
  }

  #list(res: http.ServerResponse, url: URL): void {
    const pageSize = Math.min(1000, Number(url.searchParams.get('PageSize') ?? 50));
    const page = Number(url.searchParams.get('Page') ?? 0);
    // PhoneNumber is a pattern: partial numbers match, '*' stands for any digit
    const pattern = url.searchParams.get('PhoneNumber');
    const re = pattern ? new RegExp(pattern.replace(/[+]/g, '\\+').replace(/\*/g, '[0-9]')) : null;
    const all = [...this.numbers.values()].filter((n) => !re || re.test(n.phone_number));
    const items = all.slice(page * pageSize, (page + 1) * pageSize);
    const base = `/2010-04-01/Accounts/${this.accountSid}/IncomingPhoneNumbers.json`;
    const q = (p: number) => `${base}?${new URLSearchParams({ ...(pattern ? { PhoneNumber: pattern } : {}), PageSize: String(pageSize), Page: String(p) })}`;
    this.#json(res, 200, {
      end: page * pageSize + Math.max(0, items.length - 1), first_page_uri: q(0),
      next_page_uri: (page + 1) * pageSize < all.length ? q(page + 1) : null,
      page, page_size: pageSize, previous_page_uri: page > 0 ? q(page - 1) : null, start: page * pageSize, uri: q(page),
      incoming_phone_numbers: items.map((n) => this.#resource(n)),
    });
  }

  #resource(n: FakeNumber) {
    const uri = `/2010-04-01/Accounts/${this.accountSid}/IncomingPhoneNumbers/${n.sid}.json`;
    return {
      account_sid: this.accountSid, address_requirements: 'none', address_sid: null, api_version: '2010-04-01', beta: false,
      capabilities: { voice: true, sms: true, mms: true, fax: false }, date_created: 'Thu, 30 Jul 2015 23:19:04 +0000',
      date_updated: new Date().toUTCString().replace('GMT', '+0000'), emergency_status: 'Inactive', emergency_address_sid: null,
      emergency_address_status: 'unregistered', identity_sid: null, origin: 'twilio', status: 'in-use', bundle_sid: null,
      sms_application_sid: '', sms_fallback_method: 'POST', sms_fallback_url: '', sms_method: 'POST', sms_url: '',
      voice_caller_id_lookup: false, ...n, uri, subresource_uris: { assigned_add_ons: uri.replace('.json', '/AssignedAddOns.json') },
    };
  }

  #notFound(res: http.ServerResponse, path: string): void {
    this.#error(res, 404, 20404, `The requested resource ${path} was not found`);
  }

  #error(res: http.ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
    this.#json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, headers);
  }

  #json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }
}
