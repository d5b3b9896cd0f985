// One simulated phone call, played as Twilio plays it: dial posts the number's Voice URL, the
// TwiML that comes back is run verb by verb, and the call stops where the caller must act (a
// <Gather>), or in a conference, or when it ends. <Gather> follows Twilio's documented rules:
// keys until finishOnKey (default '#', '' for none) or numDigits; no keys means the next verb,
// unless actionOnEmptyResult="true" posts an empty Digits; relative URLs resolve against the
// document's URL. <Dial><Sip> leaves the call on a SIP leg (the headers as the INVITE would
// carry them) until the test ends that leg with a DialCallStatus, posted to the <Dial action>.
import { randomInt } from 'node:crypto';
import { sipHeaders } from '../domain/sip.js';
import { Conferences } from './conferences.js';
import { parseTwiml, type TwimlNode } from './twiml-reader.js';
import { newSid, Webhooks, type TwilioEndpoint, type WebhookAnswer } from './twilio.js';

export interface Heard {
  verb: 'Say' | 'Play';
  text: string;
  language?: string;
  voice?: string;
}

export interface CallOptions extends TwilioEndpoint {
  to: string;
  /** The caller ID; a fresh North American number unless given ('' or 'anonymous' for withheld). */
  from?: string;
  /** Shared between calls so that they meet in the same rooms. */
  conferences?: Conferences;
  accountSid?: string;
  /** Called with every document the call receives (the CLI prints as it goes). */
  onDocument?: (answer: WebhookAnswer) => void;
}

export type CallState = 'new' | 'gathering' | 'conference' | 'sip' | 'ended';

/** A call put through to a SIP endpoint. */
export interface SipLeg {
  /** The URI in <Sip>, as written (escaped headers included). */
  uri: string;
  /** The X- headers the INVITE carries (unescaped, as Twilio sends them). */
  headers: Record<string, string>;
  sipAttrs: Record<string, string>;
  dialAttrs: Record<string, string>;
  docUrl: string;
}

interface PendingGather {
  node: TwimlNode;
  rest: TwimlNode[];
  docUrl: string;
}

const MAX_DOCUMENTS = 50;

export class SimulatedCall {
  readonly callSid = newSid('CA');
  readonly from: string;
  readonly to: string;
  readonly webhooks: Webhooks;
  readonly conferences: Conferences;
  state: CallState = 'new';
  readonly heard: Heard[] = [];
  readonly documents: WebhookAnswer[] = [];
  conference: { room: string; attrs: Record<string, string> } | null = null;
  sip: SipLeg | null = null;
  gathering: PendingGather | null = null;
  /** When the service first answered (Twilio counts CallDuration from the answer). */
  answeredAt: number | null = null;
  readonly #accountSid: string;

  constructor(private readonly options: CallOptions) {
    this.webhooks = new Webhooks(options);
    this.conferences = options.conferences ?? new Conferences(this.webhooks);
    this.from = options.from ?? `+1555${String(randomInt(0, 1e7)).padStart(7, '0')}`;
    this.to = options.to;
    this.#accountSid = options.accountSid ?? 'AC' + '0'.repeat(32);
  }

  /** Sends the next webhooks to another instance (a load balancer may do so between any two). */
  routeTo(serviceUrl: string): void {
    this.webhooks.serviceUrl = serviceUrl.replace(/\/+$/, '');
  }

  /** Everything heard so far, one string. */
  transcript(): string {
    return this.heard.map((h) => h.text).join(' | ');
  }

  params(extra: Record<string, string> = {}): Record<string, string> {
    return {
      AccountSid: this.#accountSid, ApiVersion: '2010-04-01', CallSid: this.callSid,
      CallStatus: this.documents.length === 0 ? 'ringing' : 'in-progress', Called: this.to, Caller: this.from,
      Direction: 'inbound', From: this.from, To: this.to, FromCountry: 'US', ToCountry: 'US', ...extra,
    };
  }

  async dial(): Promise<this> {
    return this.#fetch(this.webhooks.publicBaseUrl + '/voice/incoming', {}, 'POST');
  }

  /** The caller types `keys` at the pending <Gather> (then waits, if no finish key ended it). */
  async press(keys: string): Promise<this> {
    const g = this.#takeGather('press');
    const finishOnKey = g.node.attrs.finishOnKey ?? '#';
    const numDigits = g.node.attrs.numDigits ? Number(g.node.attrs.numDigits) : Infinity;
    let digits = '';
    let finishedOnKey = '';
    for (const key of keys) {
      if (!/^[0-9*#]$/.test(key)) throw new Error(`not a phone key: ${key}`);
      if (finishOnKey !== '' && finishOnKey.includes(key)) {
        finishedOnKey = key;
        break;
      }
      digits += key;
      if (digits.length >= numDigits) break;
    }
    return this.#gathered(g, digits, finishedOnKey);
  }

  /**
   * The caller speaks at the pending <Gather>, which must take speech (input="dtmf speech"):
   * Twilio posts what it recognised as SpeechResult, with its Confidence, and no Digits.
   */
  async speak(said: string, confidence = 0.92): Promise<this> {
    const g = this.#takeGather('speak');
    if (!(g.node.attrs.input ?? 'dtmf').split(/\s+/).includes('speech')) throw new Error('speak() at a <Gather> that takes no speech');
    return this.#post(g, { SpeechResult: said, Confidence: String(confidence) });
  }

  /** The caller says nothing until the <Gather> times out. */
  async silence(): Promise<this> {
    return this.#gathered(this.#takeGather('silence'), '', '');
  }

  /**
   * The SIP leg ends (`completed` after it was answered, or busy, no-answer, failed, canceled):
   * Twilio posts DialCallStatus to the <Dial action>, and the call goes on with what it answers.
   */
  async sipLegEnded(status: string, extra: Record<string, string> = {}): Promise<this> {
    if (this.state !== 'sip' || !this.sip) throw new Error(`sipLegEnded() while the call is ${this.state}`);
    const leg = this.sip;
    if (!leg.dialAttrs.action) {
      this.state = 'ended';
      return this;
    }
    const method = (leg.dialAttrs.method ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
    return this.#fetch(new URL(leg.dialAttrs.action, leg.docUrl).toString(), { DialCallStatus: status, DialCallSid: newSid('CA'), ...extra }, method);
  }

  /** Whole seconds since the call was answered, as Twilio reports CallDuration (rounded up; 0 if never answered). */
  durationS(now = Date.now()): number {
    return this.answeredAt === null ? 0 : Math.max(1, Math.ceil((now - this.answeredAt) / 1000));
  }

  /** The caller hangs up: leaves the room, and Twilio posts the call's status callback. */
  async hangup(statusCallbackPath = '/voice/status'): Promise<WebhookAnswer> {
    if (this.conference) await this.conferences.leave(this.conference.room, this.callSid);
    this.state = 'ended';
    this.gathering = null;
    return this.webhooks.send(this.webhooks.publicBaseUrl + statusCallbackPath, this.params({ CallStatus: 'completed', CallDuration: String(this.durationS()) }));
  }

  #takeGather(what: string): PendingGather {
    if (this.state !== 'gathering' || !this.gathering) throw new Error(`${what}() while the call is ${this.state}`);
    const g = this.gathering;
    this.gathering = null;
    return g;
  }

  async #gathered(g: PendingGather, digits: string, finishedOnKey: string): Promise<this> {
    if (digits === '' && g.node.attrs.actionOnEmptyResult !== 'true') return this.#run(g.rest, g.docUrl);
    const extra: Record<string, string> = { Digits: digits };
    if (finishedOnKey) extra.FinishedOnKey = finishedOnKey;
    return this.#post(g, extra);
  }

  async #post(g: PendingGather, extra: Record<string, string>): Promise<this> {
    const action = new URL(g.node.attrs.action ?? g.docUrl, g.docUrl).toString();
    const method = (g.node.attrs.method ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
    return this.#fetch(action, extra, method);
  }

  async #fetch(url: string, extra: Record<string, string>, method: 'GET' | 'POST'): Promise<this> {
    if (this.documents.length >= MAX_DOCUMENTS) throw new Error(`more than ${MAX_DOCUMENTS} documents in one call: a loop?`);
    const answer = await this.webhooks.send(url, this.params(extra), { method });
    if (answer.status === 200) this.answeredAt ??= Date.now();
    this.documents.push(answer);
    this.options.onDocument?.(answer);
    // Twilio plays "an application error has occurred" for anything but a TwiML 200.
    if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}: the caller hears an application error (${answer.body.slice(0, 200)})`);
    if (!/xml/.test(answer.contentType)) throw new Error(`${url} answered ${answer.contentType}, not TwiML`);
    return this.#run(parseTwiml(answer.body).children, url);
  }

  async #run(verbs: TwimlNode[], docUrl: string): Promise<this> {
    for (let k = 0; k < verbs.length; k++) {
      const v = verbs[k]!;
      switch (v.name) {
        case 'Say':
        case 'Play':
          this.#hear(v);
          break;
        case 'Pause':
          break;
        case 'Gather':
          for (const c of v.children) {
            if (c.name === 'Say' || c.name === 'Play') this.#hear(c);
            else if (c.name !== 'Pause') throw new Error(`<${c.name}> is not allowed in <Gather>`);
          }
          this.state = 'gathering';
          this.gathering = { node: v, rest: verbs.slice(k + 1), docUrl };
          return this;
        case 'Redirect': {
          const method = (v.attrs.method ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
          return this.#fetch(new URL(v.text, docUrl).toString(), {}, method);
        }
        case 'Dial': {
          const sip = v.children.find((c) => c.name === 'Sip');
          if (sip) {
            const uri = sip.text.trim();
            if (uri.length >= 255) throw new Error(`<Sip> URI of ${uri.length} characters: Twilio dials URIs under 255`);
            const headers = sipHeaders(uri);
            const bad = Object.keys(headers).filter((h) => !/^X-/i.test(h));
            if (bad.length) throw new Error(`<Sip> headers Twilio would not send (only X- headers): ${bad.join(', ')}`);
            this.state = 'sip';
            this.sip = { uri, headers, sipAttrs: { ...sip.attrs }, dialAttrs: { ...v.attrs }, docUrl };
            return this;
          }
          const conf = v.children.find((c) => c.name === 'Conference');
          if (!conf) throw new Error('<Dial> without <Conference> or <Sip>: not simulated');
          const attrs = { ...conf.attrs };
          if (attrs.statusCallback) attrs.statusCallback = new URL(attrs.statusCallback, docUrl).toString();
          this.state = 'conference';
          this.conference = { room: conf.text, attrs };
          await this.conferences.join(conf.text, this.callSid, attrs);
          return this;
        }
        case 'Hangup':
        case 'Reject':
          this.state = 'ended';
          return this;
        default:
          throw new Error(`unexpected TwiML verb <${v.name}>`);
      }
    }
    this.state = 'ended'; // Twilio hangs up when a document runs out of verbs
    return this;
  }

  #hear(node: TwimlNode): void {
    const h: Heard = { verb: node.name as 'Say' | 'Play', text: node.text };
    if (node.attrs.language) h.language = node.attrs.language;
    if (node.attrs.voice) h.voice = node.attrs.voice;
    this.heard.push(h);
  }
}
