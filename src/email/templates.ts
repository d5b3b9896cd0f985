// The emails about a user's audio conferencing: welcome, new conference ID, conference info,
// new leader PIN. Each is a small function of the queued payload; only `welcome` and
// `leader_pin_reset` may carry the PIN, and they are the only ones given it.
import type { EmailPayload } from './messages.js';
import { html, layout, type Html } from './html.js';
import { formatPhoneNumber, telUri } from './phone.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Templates that carry the leader PIN; the worker opens the sealed secret only for these. */
export const TEMPLATES_WITH_PIN = new Set<EmailPayload['template']>(['welcome', 'leader_pin_reset']);

interface NumberLine { label: string; number: string }

function numberLines(p: EmailPayload): NumberLine[] {
  const lines: NumberLine[] = [];
  if (p.tollNumber) lines.push({ label: 'Toll', number: p.tollNumber });
  if (p.tollFreeNumber) lines.push({ label: 'Toll-free', number: p.tollFreeNumber });
  return lines;
}

function numbersText(p: EmailPayload): string {
  const lines = numberLines(p);
  if (!lines.length) return 'Dial-in numbers: none are set up yet; your administrator will send them.';
  return ['Dial-in numbers:', ...lines.map((l) => `  ${l.label}: ${formatPhoneNumber(l.number)}`)].join('\n');
}

function numbersHtml(p: EmailPayload): Html {
  const lines = numberLines(p);
  if (!lines.length) return html`<p>Dial-in numbers: none are set up yet; your administrator will send them.</p>`;
  return html`<p>Dial-in numbers:</p><ul>${lines.map((l) => html`<li>${l.label}: <a href="${telUri(l.number)}">${formatPhoneNumber(l.number)}</a></li>`)}</ul>`;
}

const idText = (p: EmailPayload) => (p.conferenceId
  ? `Conference ID: ${p.conferenceId}`
  : 'Conference ID: each meeting you schedule gets its own ID, shown in its invitation.');
const idHtml = (p: EmailPayload) => (p.conferenceId
  ? html`<p>Conference ID: <strong>${p.conferenceId}</strong></p>`
  : html`<p>Conference ID: each meeting you schedule gets its own ID, shown in its invitation.</p>`);

const thirdPartyNote = 'Your audio conferencing is provided by another provider; these are the details it gave us.';

function compose(subject: string, greeting: string, textParts: string[], htmlParts: Html[]): RenderedEmail {
  return {
    subject,
    text: [greeting, '', ...textParts.flatMap((t) => [t, ''])].join('\n').trimEnd() + '\n',
    html: layout(subject, html`<p>${greeting}</p>${htmlParts}`),
  };
}

export function renderUserEmail(p: EmailPayload, leaderPin: string | null): RenderedEmail {
  const hello = `Hello ${p.displayName},`;
  switch (p.template) {
    case 'welcome': {
      const pinText = leaderPin ? [`Leader PIN: ${leaderPin}`, 'Enter the PIN when you join to start the meeting as its leader. Keep it to yourself.'] : [];
      const pinHtml = leaderPin ? [html`<p>Leader PIN: <strong>${leaderPin}</strong><br>Enter the PIN when you join to start the meeting as its leader. Keep it to yourself.</p>`] : [];
      return compose('You can now use audio conferencing', hello,
        ['You are set up for audio conferencing: people can join your meetings by phone.', idText(p), numbersText(p), ...pinText,
          ...(p.provider === 'third_party' ? [thirdPartyNote] : [])],
        [html`<p>You are set up for audio conferencing: people can join your meetings by phone.</p>`, idHtml(p), numbersHtml(p), ...pinHtml,
          ...(p.provider === 'third_party' ? [html`<p>${thirdPartyNote}</p>`] : [])]);
    }
    case 'conference_id_changed': {
      const previous = p.previousConferenceId ? ` Your previous ID, ${p.previousConferenceId}, no longer works.` : '';
      const howTo = 'Meetings you scheduled through this service are updated for you, and their attendees get an updated invitation. '
        + 'Meetings you created elsewhere, for example in your own calendar, still show the old ID: open each of them, '
        + 'replace the old ID with the new one and send the update, or reschedule them so attendees get the new details.';
      return compose('Your conference ID has changed', hello,
        [`Your audio conferencing ID has changed.${previous}`, idText(p), numbersText(p), 'How to update existing meetings:', howTo],
        [html`<p>Your audio conferencing ID has changed.${previous}</p>`, idHtml(p), numbersHtml(p),
          html`<p><strong>How to update existing meetings:</strong> ${howTo}</p>`]);
    }
    case 'conference_info':
      return compose('Your audio conferencing details', hello,
        ['Here are the details people need to join your meetings by phone.', idText(p), numbersText(p),
          ...(p.provider === 'third_party' ? [thirdPartyNote] : [])],
        [html`<p>Here are the details people need to join your meetings by phone.</p>`, idHtml(p), numbersHtml(p),
          ...(p.provider === 'third_party' ? [html`<p>${thirdPartyNote}</p>`] : [])]);
    case 'leader_pin_reset': {
      if (!leaderPin) throw new Error('a PIN reset email needs the PIN');
      return compose('Your new leader PIN', hello,
        ['Your leader PIN for audio conferencing has been reset. The previous PIN no longer works.', `Leader PIN: ${leaderPin}`,
          'Enter it when you join by phone to start the meeting as its leader. Keep it to yourself.'],
        [html`<p>Your leader PIN for audio conferencing has been reset. The previous PIN no longer works.</p>`,
          html`<p>Leader PIN: <strong>${leaderPin}</strong></p>`,
          html`<p>Enter it when you join by phone to start the meeting as its leader. Keep it to yourself.</p>`]);
    }
    case 'leader_pin_locked': {
      const what = 'Many wrong leader PINs were entered for your meetings in the last hour, from one or more phone numbers. '
        + 'To protect your meetings, the organizer option is locked for now: callers who press * join as participants without being asked for the PIN, '
        + 'so a meeting that waits for its organizer cannot be started by phone until the lock lifts by itself (an hour after the wrong PINs) or an administrator lifts it.';
      const next = 'If it was not you, someone may be trying to guess your PIN: ask your administrator to reset it (a reset also lifts the lock). '
        + 'If it was you, your administrator can lift the lock at once.';
      return compose('Your leader PIN was locked after wrong attempts', hello, [what, next], [html`<p>${what}</p>`, html`<p>${next}</p>`]);
    }
    default:
      throw new Error(`unknown email template ${(p as { template: string }).template}`);
  }
}
