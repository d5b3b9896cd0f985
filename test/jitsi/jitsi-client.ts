// Jitsi Meet's web client as far as dial-in goes, played against the service: the requests it
// makes and what it reads from the answers, transcribed from jitsi-meet (read, not fetched):
//   react/features/base/util/httpUtils.ts     doGetJSON (a non-2xx answer rejects with its JSON
//                                             body; with `retry`, a 4xx `status` is final)
//   react/features/invite/_utils.ts           getDialInConferenceID, getDialInNumbers,
//                                             _formatConferenceIDPin
//   react/features/invite/actions.any.ts      updateDialInNumbers (reads conference, id, message)
//   react/features/invite/reducer.ts          UPDATE_DIAL_IN_NUMBERS_SUCCESS / _FAILED
//   react/features/invite/functions.ts        shouldDisplayDialIn, _getDefaultPhoneNumber,
//                                             hasMultipleNumbers, getInviteText's dial-in part
//   react/features/invite/components/dial-in-summary/web/DialInSummary.tsx, NumbersList.tsx
// The response shapes follow resources/cloud-api.swagger (ConferenceMapperDetails,
// PhoneNumberListAnswer). Only what the client does is here; its UI is reduced to the strings
// it would render.

export interface JitsiConfig {
  dialInConfCodeUrl: string;
  dialInNumbersUrl: string;
  hosts: { muc: string };
}

export interface Browser {
  /** The page's origin, sent as Origin as a browser does on a cross-origin fetch. */
  origin: string;
  /** The address the service should see (X-Forwarded-For, for services that trust one proxy). */
  clientAddress?: string;
}

export interface Request { url: string; status: number; body: unknown }

/** Every request the client made, in order. */
export type Log = Request[];

const RETRY_TIMEOUT = 3000;

/** httpUtils.ts doGetJSON(url, retry): JSON of a 2xx; otherwise a rejection with the JSON body. */
async function doGetJSON(url: string, retry: boolean, browser: Browser, log: Log): Promise<unknown> {
  const once = async () => {
    const headers: Record<string, string> = { origin: browser.origin, 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'cross-site' };
    if (browser.clientAddress) headers['x-forwarded-for'] = browser.clientAddress;
    const response = await fetch(url, { headers });
    const json = await response.json();
    log.push({ url, status: response.status, body: json });
    // a browser lets the page read the answer only when CORS allows its origin
    if (response.headers.get('access-control-allow-origin') !== browser.origin) throw new TypeError('Failed to fetch (CORS)');
    if (response.ok) return json;
    throw json;
  };
  if (!retry) return once();
  try {
    return await withTimeout(once(), RETRY_TIMEOUT);
  } catch (response) {
    const status = (response as { status?: number } | undefined)?.status;
    if (status !== undefined && status >= 400 && status < 500) throw response;
    return withTimeout(once(), RETRY_TIMEOUT);
  }
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

/** _utils.ts getDialInConferenceID: the room is not URL-encoded; `url` is the page without its query. */
export function getDialInConferenceID(baseUrl: string, roomName: string, mucURL: string, pageUrl: URL, browser: Browser, log: Log) {
  const separator = baseUrl.includes('?') ? '&' : '?';
  const withoutParams = new URL(pageUrl.href);
  withoutParams.search = '';
  withoutParams.hash = '';
  return doGetJSON(`${baseUrl}${separator}conference=${roomName}@${mucURL}&url=${withoutParams.href}`, true, browser, log);
}

/** _utils.ts getDialInNumbers: `conference` only when both parts are known. */
export function getDialInNumbers(url: string, roomName: string, mucURL: string, browser: Browser, log: Log) {
  const separator = url.includes('?') ? '&' : '?';
  return doGetJSON(url + (roomName && mucURL ? `${separator}conference=${roomName}@${mucURL}` : ''), true, browser, log);
}

/** _utils.ts _formatConferenceIDPin: three groups of digits. */
export function formatConferenceIDPin(conferenceID: string | number): string {
  const s = conferenceID.toString();
  const partLen = Math.ceil(s.length / 3);
  return `${s.substring(0, partLen)} ${s.substring(partLen, 2 * partLen)} ${s.substring(2 * partLen, s.length)}`;
}

type Numbers = Array<{ countryCode?: string; formattedNumber: string; tollFree?: boolean; default?: boolean }> | { numbersEnabled?: boolean; numbers: Record<string, string[]> };

/** The 'features/invite' state after updateDialInNumbers. */
export interface InviteState {
  conferenceID?: string | number;
  numbers?: Numbers;
  numbersEnabled: boolean;
  numbersFetched: boolean;
  error?: unknown;
}

/** actions.any.ts updateDialInNumbers, through reducer.ts. */
export async function updateDialInNumbers(config: JitsiConfig, room: string, locationURL: URL, browser: Browser, log: Log = []): Promise<InviteState> {
  const state: InviteState = { numbersEnabled: true, numbersFetched: false };
  try {
    const [dialInNumbers, mapped] = await Promise.all([
      getDialInNumbers(config.dialInNumbersUrl, room, config.hosts.muc, browser, log),
      getDialInConferenceID(config.dialInConfCodeUrl, room, config.hosts.muc, locationURL, browser, log),
    ]);
    const { conference, id, message } = mapped as { conference?: unknown; id?: number; message?: string };
    if (!conference || !id) throw message;
    // reducer.ts UPDATE_DIAL_IN_NUMBERS_SUCCESS
    if (Array.isArray(dialInNumbers)) return { ...state, conferenceID: id, numbers: dialInNumbers as Numbers, numbersEnabled: true, numbersFetched: true };
    const legacy = dialInNumbers as { numbersEnabled: boolean };
    return { ...state, conferenceID: id, numbers: dialInNumbers as Numbers, numbersEnabled: legacy.numbersEnabled, numbersFetched: true };
  } catch (error) {
    return { ...state, error }; // UPDATE_DIAL_IN_NUMBERS_FAILED
  }
}

/** functions.ts _getDefaultPhoneNumber. */
export function getDefaultPhoneNumber(dialInNumbers?: Numbers): string | null {
  if (!dialInNumbers) return null;
  if (Array.isArray(dialInNumbers)) {
    const defaultNumber = dialInNumbers.find((n) => n.default);
    if (defaultNumber) return defaultNumber.formattedNumber;
    return dialInNumbers.length > 0 ? dialInNumbers[0]!.formattedNumber : null;
  }
  const { numbers } = dialInNumbers;
  if (numbers && Object.keys(numbers).length > 0) return numbers[Object.keys(numbers)[0]!]![0] ?? null;
  return null;
}

/** functions.ts shouldDisplayDialIn. */
export function shouldDisplayDialIn(s: InviteState): boolean {
  return Boolean(s.conferenceID && s.numbers && s.numbersEnabled && getDefaultPhoneNumber(s.numbers));
}

/** functions.ts hasMultipleNumbers. */
export function hasMultipleNumbers(numbers?: Numbers): boolean {
  if (!numbers) return false;
  if (Array.isArray(numbers)) return numbers.length > 1;
  return Object.values(numbers.numbers).map((a) => (Array.isArray(a) ? a.length : 0)).reduce((a, b) => a + b, 0) > 1;
}

/** What the invite dialog shows for dial-in (getInviteText's 'info.invitePhone'), or null when it shows none. */
export function dialInSection(s: InviteState): string | null {
  if (!shouldDisplayDialIn(s)) return null;
  return `To join by phone instead, tap this: ${getDefaultPhoneNumber(s.numbers)},,${s.conferenceID}# — PIN ${formatConferenceIDPin(s.conferenceID!)}#`;
}

/** DialInSummary.tsx _onGetNumbersSuccess, then NumbersList.tsx's rows: country → numbers (with toll-free marks). */
export function numbersTable(response: Numbers): { numbersEnabled: boolean; rows: Record<string, { number: string; tollFree: boolean }[]> } {
  const numbersEnabled = Boolean(Array.isArray(response) ? response.length > 0 : response.numbersEnabled);
  const rows: Record<string, { number: string; tollFree: boolean }[]> = {};
  if (Array.isArray(response)) {
    for (const n of response) (rows[n.countryCode!.toUpperCase()] ??= []).push({ number: n.formattedNumber, tollFree: Boolean(n.tollFree) });
  } else {
    for (const [country, list] of Object.entries(response.numbers)) if (Array.isArray(list)) rows[country] = list.map((number) => ({ number, tollFree: false }));
  }
  return { numbersEnabled, rows };
}
