// Per-call state, carried in the query of the action URLs the service puts in its TwiML. Twilio
// posts back to exactly those URLs and signs them (the query included), so any instance can take
// the next step and nobody but Twilio can change the state. Every value is drawn from
// [A-Za-z0-9._-], characters no URL encoder touches: the URL Twilio signs is the one we wrote.
import { refToUuid, uuidToRef } from '../lib/refs.js';
import { CONFERENCE_ID_PATTERN } from '../domain/conference-ids.js';

export interface CallState {
  /** The bridge the dialed number belonged to when the call came in. */
  bridgeId: string;
  /** The language the caller hears now. */
  language: string;
  /** The number's languages, primary first: "*N" at the ID prompt picks languages[N]. */
  languages: readonly string[];
  /** Whether the ID prompt still offers the language menu (until the caller picks one). */
  menu: boolean;
  /** Failed ID entries in this call. */
  failures: number;
  /** ID prompts played in this call (absent: none yet); bounded by MAX_ID_PROMPTS. */
  prompts?: number;
  /** The number offers spoken entry of the ID and PIN (where the language is recognised). */
  speech?: boolean;
  /** The ID entered, once it was found active (organizer and PIN steps re-check it). */
  conferenceId?: string;
  /** PIN prompts used in this call. */
  pinTries?: number;
}

const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const COUNT = /^[0-9]$/;

export class InvalidCallState extends Error {
  constructor(what: string) {
    super(`call state in the URL is invalid: ${what}`);
    this.name = 'InvalidCallState';
  }
}

export function encodeState(st: CallState): string {
  let q = `b=${uuidToRef(st.bridgeId)}&l=${st.language}&ls=${st.languages.join('.')}&f=${st.failures}`;
  if (st.menu) q += '&m=1';
  if (st.prompts !== undefined) q += `&n=${st.prompts}`;
  if (st.speech) q += '&s=1';
  if (st.conferenceId !== undefined) q += `&c=${st.conferenceId}`;
  if (st.pinTries !== undefined) q += `&p=${st.pinTries}`;
  return q;
}

/** Reads the state from a query string (without '?'); throws InvalidCallState. */
export function decodeState(query: string): CallState {
  const q = readQuery(query);
  const ref = q.get('b');
  const language = q.get('l');
  const languages = (q.get('ls') ?? '').split('.');
  const failures = q.get('f');
  if (!ref || ref.length !== 22) throw new InvalidCallState('b');
  if (!language || !LANGUAGE.test(language)) throw new InvalidCallState('l');
  if (languages.length === 0 || languages.length > 5 || !languages.every((l) => LANGUAGE.test(l))) throw new InvalidCallState('ls');
  if (!failures || !COUNT.test(failures)) throw new InvalidCallState('f');
  let bridgeId: string;
  try {
    bridgeId = refToUuid(ref);
  } catch {
    throw new InvalidCallState('b');
  }
  const st: CallState = { bridgeId, language, languages, menu: q.get('m') === '1', failures: Number(failures) };
  if (q.get('s') === '1') st.speech = true;
  const n = q.get('n');
  if (n !== null) {
    if (!COUNT.test(n)) throw new InvalidCallState('n');
    st.prompts = Number(n);
  }
  const c = q.get('c');
  if (c !== null) {
    if (!CONFERENCE_ID_PATTERN.test(c)) throw new InvalidCallState('c');
    st.conferenceId = c;
  }
  const p = q.get('p');
  if (p !== null) {
    if (!COUNT.test(p)) throw new InvalidCallState('p');
    st.pinTries = Number(p);
  }
  return st;
}

/** name → first value; values are never encoded (see the top of this file), so no decoding. */
function readQuery(query: string): { get(name: string): string | null } {
  const out = new Map<string, string>();
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (name && !out.has(name)) out.set(name, eq < 0 ? '' : pair.slice(eq + 1));
  }
  return { get: (name) => out.get(name) ?? null };
}
