// The dial-in numbers Jitsi Meet shows, in the two forms its client reads
// (react/features/invite/functions.ts _getDefaultPhoneNumber, reducer.ts, and
// components/dial-in-summary/web/NumbersList.tsx): the array of resources/cloud-api.swagger's
// PhoneNumberListAnswer ({ countryCode, formattedNumber, tollFree }; `default` marks the one the
// client shows first), and the older { numbersEnabled, numbers: { <country>: [numbers] } }.
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { formatPhoneNumber } from '../email/phone.js';
import type { BridgeRow } from '../store/bridges.js';
import type { DialInNumberRow } from '../store/numbers.js';

export interface PhoneNumberListAnswer {
  countryCode: string;
  formattedNumber: string;
  tollFree: boolean;
  default?: true;
}

/** The bridge's numbers, its default toll number first (then its default toll-free number). */
export function phoneNumberList(bridge: BridgeRow, numbers: readonly DialInNumberRow[]): PhoneNumberListAnswer[] {
  const rank = (n: DialInNumberRow) => (n.number === bridge.default_toll_number ? 0 : n.number === bridge.default_toll_free_number ? 1 : 2);
  return [...numbers].sort((a, b) => rank(a) - rank(b) || a.number.localeCompare(b.number)).map((n) => ({
    countryCode: n.country ?? parsePhoneNumberFromString(n.number)?.country ?? '',
    formattedNumber: formatPhoneNumber(n.number),
    tollFree: n.type === 'toll_free',
    ...(n.number === bridge.default_toll_number ? { default: true as const } : {}),
  }));
}

/** The deprecated form, for Jitsi Meet versions that read only it. */
export function legacyNumberList(list: readonly PhoneNumberListAnswer[]): { numbersEnabled: boolean; numbers: Record<string, string[]> } {
  const numbers: Record<string, string[]> = {};
  for (const n of list) (numbers[n.countryCode || 'XX'] ??= []).push(n.formattedNumber);
  return { numbersEnabled: list.length > 0, numbers };
}
