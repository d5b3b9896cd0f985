// A small TwiML builder: plain string concatenation, because twilio's VoiceResponse (an XML DOM
// per answer) costs more than the rest of the ID-entry webhook together (see bench/voice.ts).
// Every function returns `Xml`, a string type only this module creates: text and attribute
// values are escaped here, so nothing unescaped can reach a document by accident.

declare const xmlBrand: unique symbol;
/** Markup built by this module (escaped). */
export type Xml = string & { readonly [xmlBrand]: true };

export type Attrs = Readonly<Record<string, string | number | boolean | undefined | null>>;

// XML 1.0 forbids most C0 controls even as references; lone surrogates cannot be encoded.
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NEEDS_WORK = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const SPECIAL = /[&<>"']/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for element content (and quotes, so it may stand in attributes too). */
export function escapeXml(value: string): string {
  if (!NEEDS_WORK.test(value)) return value; // the common case: nothing to do
  return value.replace(INVALID, '').replace(SPECIAL, (c) => ENTITY[c]!);
}

// A parser turns a literal tab or line break inside an attribute value into a space.
const ATTR_WHITESPACE = /[\t\n\r]/g;
const HAS_ATTR_WHITESPACE = /[\t\n\r]/;
const ATTR_ENTITY: Record<string, string> = { '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** Escapes an attribute value so that a parser reads back exactly `value`. */
export function escapeAttribute(value: string): string {
  const escaped = escapeXml(value);
  return HAS_ATTR_WHITESPACE.test(escaped) ? escaped.replace(ATTR_WHITESPACE, (c) => ATTR_ENTITY[c]!) : escaped;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function attributes(attrs: Attrs | undefined): string {
  let out = '';
  if (!attrs) return out;
  for (const name in attrs) {
    const v = attrs[name];
    if (v === undefined || v === null) continue;
    if (!NAME.test(name)) throw new Error(`not an XML attribute name: ${name}`);
    out += ` ${name}="${escapeAttribute(String(v))}"`;
  }
  return out;
}

/** An element with escaped attributes; `content` is markup already built here. */
export function element(name: string, attrs?: Attrs, ...content: Xml[]): Xml {
  if (!NAME.test(name)) throw new Error(`not an XML element name: ${name}`);
  const open = `<${name}${attributes(attrs)}`;
  return (content.length === 0 ? `${open}/>` : `${open}>${content.join('')}</${name}>`) as Xml;
}

/** Text content, escaped. */
export const text = (value: string): Xml => escapeXml(value) as Xml;

/** An element whose content is text (Say, Play, Redirect, Conference). */
export const textElement = (name: string, value: string, attrs?: Attrs): Xml => element(name, attrs, text(value));

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** A whole TwiML document. */
export const response = (...verbs: Xml[]): string =>
  `${DECLARATION}${verbs.length ? `<Response>${verbs.join('')}</Response>` : '<Response/>'}`;

// ---- the verbs this service uses ----------------------------------------------------------------

export const say = (value: string, attrs?: { language?: string; voice?: string }): Xml => textElement('Say', value, attrs);
export const hangup = (): Xml => element('Hangup');
export const pause = (seconds: number): Xml => element('Pause', { length: seconds });

export interface GatherAttrs {
  action: string;
  method?: 'POST' | 'GET';
  /** 'dtmf', or 'dtmf speech' with the speech attributes below. */
  input?: string;
  /** The speech recognition language (a GatherLanguage value). */
  language?: string;
  speechModel?: string;
  speechTimeout?: string;
  finishOnKey?: string;
  numDigits?: number;
  timeout?: number;
  actionOnEmptyResult?: boolean;
}

export const gather = (attrs: GatherAttrs, ...content: Xml[]): Xml => element('Gather', attrs as unknown as Attrs, ...content);

export interface ConferenceAttrs {
  startConferenceOnEnter: boolean;
  endConferenceOnExit?: boolean;
  beep: boolean;
  maxParticipants?: number;
  waitUrl?: string;
  waitMethod?: 'GET' | 'POST';
  statusCallback?: string;
  statusCallbackEvent?: string;
  statusCallbackMethod?: 'POST' | 'GET';
}

export const dialConference = (room: string, attrs: ConferenceAttrs): Xml =>
  element('Dial', undefined, textElement('Conference', room, attrs as unknown as Attrs));

export interface DialAttrs {
  /** Where Twilio posts DialCallStatus when the dialed leg ends. */
  action: string;
  method?: 'POST' | 'GET';
  /** Seconds to wait for an answer. */
  timeout?: number;
}

export interface SipAttrs {
  username?: string;
  password?: string;
}

/** <Dial action><Sip username password>URI</Sip></Dial>: the caller is put through to a SIP endpoint. */
export const dialSip = (uri: string, dial: DialAttrs, sip: SipAttrs = {}): Xml =>
  element('Dial', dial as unknown as Attrs, textElement('Sip', uri, sip as unknown as Attrs));
