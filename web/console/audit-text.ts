// Audit events in words: what was done, and the values before and after, from each action's
// details (which never hold PINs or keys).
import type { AuditEvent } from './types.js';

const ACTIONS: Record<string, string> = {
  'user.enabled': 'Enabled for audio conferencing',
  'user.disabled': 'Disabled audio conferencing',
  'conference_id.reset': 'Reset the conference ID',
  'conference_id.set': 'Set a chosen conference ID',
  'conference_id.bulk_reset_requested': 'Started a bulk reset of conference IDs',
  'leader_pin.reset': 'Reset the leader PIN',
  'leader_pin.unlocked': 'Unlocked the leader step',
  'conference_info.sent': 'Sent the conference info',
  'user.default_number_moved': 'Moved the default number',
  'meeting.scheduled': 'Scheduled a meeting',
  'meeting_migration.queued': 'Queued the update of meetings',
  'tenant.created': 'Created the tenant',
  'tenant.updated': 'Changed tenant settings',
  'api_key.created': 'Created an API key',
  'api_key.revoked': 'Revoked an API key',
  'destination.updated': 'Changed the meeting destination',
  'destination.removed': 'Removed the meeting destination',
  'jitsi_integration.created': 'Added a Jitsi integration',
  'jitsi_integration.updated': 'Changed a Jitsi integration',
  'jitsi_integration.deleted': 'Deleted a Jitsi integration',
};

/** The actions the audit page offers as filters, with their labels. */
export const KNOWN_ACTIONS: readonly [string, string][] = Object.entries(ACTIONS);

export const actionLabel = (action: string) => ACTIONS[action] ?? action.replace(/[._]/g, ' ');

const SETTINGS: Record<string, (v: unknown) => string> = {
  name: (v) => `name “${String(v)}”`,
  pinLength: (v) => `PIN length ${String(v)}`,
  sendEmailByDefault: (v) => `emails by default ${v ? 'on' : 'off'}`,
  allowCallersToStartMeeting: (v) => `callers may start meetings ${v ? 'on' : 'off'}`,
  entryExitAnnouncements: (v) => `announcements ${v === 'off' ? 'off' : 'tones'}`,
  conferenceIdMode: (v) => `ID mode ${String(v)}`,
  bridgeId: (v) => `bridge ${String(v).slice(0, 8)}`,
};

function settingsText(values: Record<string, unknown>): string {
  // in a fixed order: the database keeps JSON keys in an order of its own
  const parts = Object.entries(SETTINGS).filter(([k]) => k in values).map(([k, say]) => say(values[k]));
  return parts.length ? parts.join('; ') : '–';
}

function generic(details: Record<string, unknown>): string {
  const parts = Object.entries(details).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return parts.length ? parts.join('; ') : '–';
}

const emailNote = (d: Record<string, unknown>) => (d.emailQueued === true ? '; email sent to the user' : '');
const str = (v: unknown) => (v === null || v === undefined || v === '' ? '–' : String(v));

/** A destination's audit details: where callers go; passwords only as set, kept or removed. */
function destinationText(d: Record<string, unknown>): string {
  if (d.kind !== 'sip') return 'Twilio conference rooms';
  const secrets = [['sipAuth', 'SIP credentials'], ['roomPassword', 'room password']]
    .filter(([k]) => d[k!] && d[k!] !== 'none').map(([k, label]) => `${label} ${String(d[k!])}`);
  return [`${str(d.uriTemplate)}, room in ${str(d.roomHeader)}`, ...secrets].join('; ');
}

function integrationText(d: Record<string, unknown>): string {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join(', ') : str(v));
  const parts = [
    d.name !== undefined && `“${str(d.name)}”`,
    d.mucDomains !== undefined && `MUC domains ${list(d.mucDomains)}`,
    d.allowedOrigins !== undefined && `origins ${list(d.allowedOrigins)}`,
    d.maxLiveIds !== undefined && `at most ${str(d.maxLiveIds)} live IDs`,
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : '–';
}

export function beforeAndAfter(e: AuditEvent): { before: string; after: string } {
  const d = e.details;
  switch (e.action) {
    case 'conference_id.reset':
    case 'conference_id.set':
      if (e.target.type === 'jitsi_room') return { before: `ID ${str(d.previousConferenceId)} of ${str(d.conference)}`, after: 'a new ID at the room\'s next lookup' };
      return { before: `ID ${str(d.previousConferenceId)}`, after: `ID ${str(d.conferenceId)}${emailNote(d)}` };
    case 'destination.updated':
      return { before: '–', after: destinationText(d) };
    case 'destination.removed':
      return { before: 'its own destination', after: 'the bridge\'s destination, or Twilio conference rooms' };
    case 'jitsi_integration.created':
    case 'jitsi_integration.updated':
      return { before: '–', after: integrationText(d) };
    case 'jitsi_integration.deleted':
      return { before: '–', after: `deleted; ${str(d.retiredConferenceIds)} conference IDs refused from now on` };
    case 'user.enabled':
      return { before: 'not enabled', after: `ID ${str(d.conferenceId)}${d.provider === 'third_party' ? ' (third-party provider)' : ''}${emailNote(d)}` };
    case 'user.disabled': {
      const ids = Array.isArray(d.retiredConferenceIds) ? d.retiredConferenceIds.map(String) : [];
      return { before: ids.length ? `ID ${ids.join(', ')}` : 'enabled', after: 'disabled; the ID is refused from now on' };
    }
    case 'leader_pin.reset':
      return { before: 'the old PIN', after: `a new PIN (never recorded)${emailNote(d)}` };
    case 'conference_info.sent':
      return { before: '–', after: `emailed to ${str(d.to)}` };
    case 'user.default_number_moved':
      return { before: str(d.from), after: str(d.to) };
    case 'tenant.updated': {
      const { previous, ...changed } = d;
      return { before: previous && typeof previous === 'object' ? settingsText(previous as Record<string, unknown>) : '–', after: settingsText(changed) };
    }
    case 'tenant.created':
      return { before: '–', after: settingsText(d) };
    case 'api_key.created':
      return { before: '–', after: `“${str(d.name)}”${d.readOnly === true ? ', read-only' : ''}` };
    case 'api_key.revoked':
      return { before: `“${str(d.name)}”`, after: 'revoked' };
    case 'conference_id.bulk_reset_requested':
      return { before: '–', after: `${str(d.users)} users${d.all === true ? ' (all)' : ''}` };
    case 'meeting.scheduled':
      return { before: '–', after: `ID ${str(d.conferenceId)}; ${str(d.invitationsQueued)} invitations` };
    case 'meeting_migration.queued':
      return { before: '–', after: `${str(d.meetings)} meetings (${str(d.reason)})` };
    default:
      return { before: '–', after: generic(d) };
  }
}
