// Request bodies and query strings of the admin API (zod). The same schemas document the API
// (OpenAPI) and validate it; every object is strict, so a misspelt field is an error, not
// silently ignored.
import { z } from 'zod';
import { CONFERENCE_ID_PATTERN } from '../domain/conference-ids.js';
import { MAX_PIN_LENGTH, MIN_PIN_LENGTH } from '../domain/pins.js';
import { isCountryCode } from '../domain/countries.js';
import { languageProblem } from '../domain/languages.js';

export const e164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number such as +14155550123');
export const conferenceId = z.string({ error: 'must be a string of 7 digits' }).regex(CONFERENCE_ID_PATTERN, 'must be 7 digits, the first not 0');
export const uuid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a UUID').transform((v) => v.toLowerCase());
const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');
const country = z.string().refine(isCountryCode, 'must be an ISO 3166 alpha-2 country code such as US');
const language = z.string().superRefine((v, ctx) => {
  const problem = languageProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const email = z.email('must be an email address').max(320);

// ---- bridges and numbers --------------------------------------------------------------------

export const createBridgeBody = z.strictObject({ name });
export const patchBridgeBody = z.strictObject({
  name: name.optional(),
  defaultTollNumber: e164.nullable().optional(),
  defaultTollFreeNumber: e164.nullable().optional(),
});

export const putNumberBody = z.strictObject({
  bridgeId: uuid,
  type: z.enum(['toll', 'toll_free']),
  primaryLanguage: language.default('en-US'),
  secondaryLanguages: z.array(language).max(4, 'at most 4 secondary languages').default([])
    .refine((l) => new Set(l).size === l.length, 'must not repeat a language'),
  city: name.nullable().optional(),
  country: country.nullable().optional(),
  speechInput: z.boolean().default(false),
}).superRefine((n, ctx) => {
  // the language menu offers the other languages; the primary one is already spoken
  const at = n.secondaryLanguages.indexOf(n.primaryLanguage);
  if (at >= 0) ctx.addIssue({ code: 'custom', path: ['secondaryLanguages', at], message: 'must not repeat the primary language' });
});
export const listNumbersQuery = z.strictObject({ bridgeId: uuid.optional() });
/** Actions that take no parameters: any field is a mistake worth reporting. */
export const emptyBody = z.strictObject({});

// ---- tenants and keys -------------------------------------------------------------------------

const tenantSettings = {
  conferenceIdMode: z.enum(['static', 'dynamic']),
  sendEmailByDefault: z.boolean(),
  pinLength: z.number().int().min(MIN_PIN_LENGTH).max(MAX_PIN_LENGTH),
  allowCallersToStartMeeting: z.boolean(),
  entryExitAnnouncements: z.enum(['tones', 'off']),
};
export const createTenantBody = z.strictObject({
  name,
  bridgeId: uuid.optional(),
  conferenceIdMode: tenantSettings.conferenceIdMode.default('static'),
  sendEmailByDefault: tenantSettings.sendEmailByDefault.default(true),
  pinLength: tenantSettings.pinLength.default(5),
  allowCallersToStartMeeting: tenantSettings.allowCallersToStartMeeting.default(false),
  entryExitAnnouncements: tenantSettings.entryExitAnnouncements.default('tones'),
});
export const patchTenantBody = z.strictObject({
  name: name.optional(),
  conferenceIdMode: tenantSettings.conferenceIdMode.optional(),
  sendEmailByDefault: tenantSettings.sendEmailByDefault.optional(),
  pinLength: tenantSettings.pinLength.optional(),
  allowCallersToStartMeeting: tenantSettings.allowCallersToStartMeeting.optional(),
  entryExitAnnouncements: tenantSettings.entryExitAnnouncements.optional(),
});

export const createApiKeyBody = z.strictObject({
  name,
  tenantId: uuid.nullable().default(null),
  readOnly: z.boolean().default(false),
});

// ---- users ------------------------------------------------------------------------------------

export const enableUserBody = z.strictObject({
  email,
  displayName: name,
  provider: z.enum(['builtin', 'third_party']).default('builtin'),
  conferenceId: conferenceId.optional(),
  tollNumber: e164.optional(),
  sendEmail: z.boolean().optional(),
}).superRefine((u, ctx) => {
  if (u.provider === 'third_party') {
    if (!u.conferenceId) ctx.addIssue({ code: 'custom', path: ['conferenceId'], message: 'required for a third-party user' });
    if (!u.tollNumber) ctx.addIssue({ code: 'custom', path: ['tollNumber'], message: 'required for a third-party user' });
  } else if (u.tollNumber) {
    ctx.addIssue({ code: 'custom', path: ['tollNumber'], message: 'only a third-party user has a toll number of their own' });
  }
});

/** Paging of name-sorted listings: `cursor` is a `nextCursor` this API gave. */
const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(3000).optional(),
};
/**
 * A search term: matched anywhere in the field, ignoring case, wildcards taken literally. Empty
 * (a cleared search box) means no filter.
 */
const searchTerm = z.string().trim().max(100, 'must be at most 100 characters')
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters')
  .transform((v) => (v === '' ? undefined : v));

export const listUsersQuery = z.strictObject({
  email: z.string().max(320).optional().describe('exactly this address, ignoring case'),
  q: searchTerm.optional().describe('users whose display name or email contains this, ignoring case'),
  ...paging,
});

export const listTenantsQuery = z.strictObject({
  q: searchTerm.optional().describe('tenants whose name contains this, ignoring case'),
  ...paging,
});

export const listBridgesQuery = z.strictObject({
  q: searchTerm.optional().describe('bridges whose name contains this, ignoring case'),
  ...paging,
});

export const listApiKeysQuery = z.strictObject({
  tenantId: uuid.optional().describe('platform keys: only this tenant\'s keys'),
  ...paging,
});

export const resetConferenceIdBody = z.strictObject({ sendEmail: z.boolean().optional() });
export const setConferenceIdBody = z.strictObject({ conferenceId, sendEmail: z.boolean().optional() });
export const resetLeaderPinBody = z.strictObject({ sendEmail: z.boolean().optional() });
export const sendConferenceInfoBody = z.strictObject({ toAddress: email.optional() });

export const listAuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
  targetId: z.string().min(1).max(200).optional().describe('only events about this resource (a user\'s id, for example)'),
  action: z.string().min(1).max(100).optional().describe('only events of this action, e.g. conference_id.reset'),
});
