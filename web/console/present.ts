// How users and jobs read on the pages.
import { dateTime } from './dom.js';
import type { Job, Tenant, User } from './types.js';

export const providerText = (u: User) => (u.provider === 'builtin' ? 'This service' : 'Third-party provider');

export const conferenceIdText = (u: User) => u.conferenceId ?? 'Per meeting (dynamic IDs)';

/** When the user's conference details last changed (the ID, or the enabling itself). */
export const lastChange = (u: User) => dateTime(u.conferenceIdUpdatedAt ?? u.createdAt);

/** Why the ID and PIN actions do not apply to this user, or null when they do. */
export function whyNoIdActions(u: User, tenant: Tenant): string | null {
  if (u.provider === 'third_party') return 'The third-party provider manages this user\'s conference ID and PIN.';
  if (tenant.conferenceIdMode === 'dynamic' || u.conferenceId === null) return 'In this tenant each meeting gets its own conference ID: there is no ID to reset or choose.';
  return null;
}

const JOB_KINDS: Record<string, string> = {
  conference_id_reset: 'Bulk conference ID reset',
  default_number_move: 'Default number move',
  meeting_migration: 'Meeting update',
};
export const jobKindText = (kind: string) => JOB_KINDS[kind] ?? kind.replace(/_/g, ' ');

export const jobProgressText = (j: Job) =>
  `${j.succeeded + j.failed} of ${j.total} done${j.failed ? `, ${j.failed} failed` : ''}`;

export const finished = (j: Job) => j.status === 'succeeded' || j.status === 'failed';
