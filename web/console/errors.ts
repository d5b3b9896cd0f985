// Refusals in words an admin reads: the server's own explanation (problem+json `detail`), the
// fields it named, and what to do next where the status says it.
import { ApiError } from './api.js';

const FIELD_LABELS: Record<string, string> = {
  conferenceId: 'Conference ID', displayName: 'Display name', email: 'Email', tollNumber: 'Toll number', toAddress: 'Send to',
  pinLength: 'PIN length', name: 'Name', conferenceIdMode: 'Conference ID mode', entryExitAnnouncements: 'Announcements',
  bridgeId: 'Bridge', type: 'Type', primaryLanguage: 'Primary language', secondaryLanguages: 'Other languages', city: 'City',
  country: 'Country', defaultTollNumber: 'Default toll number', defaultTollFreeNumber: 'Default toll-free number',
  from: 'From', to: 'To', userIds: 'Users', cursor: 'Page', q: 'Search',
  kind: 'Callers go to', uriTemplate: 'SIP URI', roomHeader: 'Room header', roleHeader: 'Role header', sipAuth: 'SIP credentials',
  username: 'username', password: 'password', roomPassword: 'Room password', header: 'header',
  mucDomains: 'MUC domains', allowedOrigins: 'Allowed origins', maxLiveIds: 'Most live conference IDs',
};

/** `secondaryLanguages.0` → "Other languages #1". */
const label = (path: string) => path.split('.').map((part, k) => (k === 0 ? FIELD_LABELS[part] ?? part : /^\d+$/.test(part) ? `#${Number(part) + 1}` : part)).join(' ');

/** A form filled in a way the API would refuse, said before anything is sent. */
export class FormProblem extends Error {}

export function inWords(err: unknown): string {
  if (err instanceof FormProblem) return err.message;
  if (!(err instanceof ApiError)) return 'The server could not be reached: check the connection and try again.';
  const detail = err.detail || err.title;
  switch (err.status) {
    case 401: return 'Your key is no longer accepted: sign in again.';
    case 403: return `This key may not do that (${detail}).`;
    case 404: return `Not found: ${detail}. It may have been removed meanwhile.`;
    case 422:
      if (err.fields.length) return `Please check: ${err.fields.map((f) => `${label(f.path)}: ${f.message}`).join('; ')}.`;
      return `Please check: ${detail}.`;
    case 429: return `Too many requests: ${detail}.${err.retryAfterS ? ` Try again in ${err.retryAfterS} s.` : ''}`;
    case 503: return `The service could not do this just now: ${detail}. Try again shortly.`;
    default: return `${err.title}: ${detail}.`;
  }
}
