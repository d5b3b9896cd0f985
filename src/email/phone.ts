// Phone numbers as people read them: "+1 415 555 0123" rather than "+14155550123".
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** The international format of an E.164 number; the number unchanged when it cannot be parsed. */
export function formatPhoneNumber(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? parsed.formatInternational() : e164;
}

/** A tel: URI (RFC 3966) for links in HTML mail. */
export function telUri(e164: string): string {
  return `tel:${e164.replace(/[^+0-9]/g, '')}`;
}
