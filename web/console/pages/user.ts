// One user: their conferencing details and every action the API offers on them, each with its
// result beside its button (reset or choose the ID, reset the PIN, unlock the leader step, send
// the details, disable), and their recent audit events.
import { api } from '../api.js';
import type { Ctx } from '../context.js';
import { confirmAction } from '../dialog.js';
import { dateTime, fromTemplate, onSubmit, ref } from '../dom.js';
import { act, say } from '../feedback.js';
import { conferenceIdText, lastChange, providerText, whyNoIdActions } from '../present.js';
import { href } from '../routes.js';
import type { UnlockAnswer, User } from '../types.js';
import { auditPage, showAuditRows } from './audit-rows.js';

export async function renderUser(ctx: Ctx, view: HTMLElement, route: { id?: string }): Promise<void> {
  let user = await api.user(ctx.tenant.id, route.id!);
  if (ctx.signal.aborted) return;
  view.append(fromTemplate('user'));
  const t = ctx.tenant.id;
  const r = <E extends HTMLElement = HTMLElement>(name: string) => ref<E>(view, name);
  r<HTMLAnchorElement>('back').href = href(t, 'users');
  r<HTMLAnchorElement>('audit-link').href = href(t, 'audit', undefined, { user: user.id });
  r<HTMLInputElement>('info-to').placeholder = user.email;
  // the API sends another address's copy for platform keys only
  r('info-to-label').hidden = !ctx.isPlatform;
  r('info-to-hint').hidden = ctx.isPlatform;

  const show = (u: User) => {
    user = u;
    ctx.names.set(u.id, u.displayName);
    r('name').textContent = u.displayName;
    r('email').textContent = u.email;
    r('conference-id').textContent = conferenceIdText(u);
    r('last-change').textContent = lastChange(u);
    r('provider').textContent = providerText(u);
    r('toll').textContent = u.tollNumber ?? '–';
    r('toll-free').textContent = u.tollFreeNumber ?? '–';
    r('created').textContent = dateTime(u.createdAt);
    applyRights();
  };
  /** Controls only for what the key and the user allow, and why not where they do not. */
  const applyRights = () => {
    const noIds = whyNoIdActions(user, ctx.tenant);
    const builtin = user.provider === 'builtin';
    r('why-not').textContent = !ctx.canWrite ? 'This key is read-only: it shows the user, and changes nothing.' : noIds ?? '';
    enable(ctx.canWrite && noIds === null, 'reset-id', 'set-id-form');
    enable(ctx.canWrite && builtin, 'reset-pin', 'unlock');
    enable(ctx.canWrite, 'send-info-form', 'disable');
  };
  /** Enables or disables buttons, and every control of forms, by their data-ref names. */
  const enable = (ok: boolean, ...names: string[]) => {
    for (const el of names.map((n) => r(n))) {
      const controls = el instanceof HTMLFormElement ? [...el.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button')] : [el as HTMLButtonElement];
      for (const c of controls) c.disabled = !ok;
    }
  };
  const refresh = async () => {
    show(await api.user(t, user.id));
    await loadAudit();
  };
  const loadAudit = async () => {
    const page = await auditPage(ctx, { targetId: user.id, limit: 10 });
    showAuditRows(ctx, r('audit-rows'), page.items, 'No changes recorded yet.', { withTarget: false });
  };

  r('reset-id').addEventListener('click', async () => {
    const ok = await confirmAction({
      title: 'Reset conference ID?',
      message: `The current ID ${user.conferenceId} stops working at once: callers who enter it are refused, and it is not handed out again for a while. A new ID is issued.`,
      confirmLabel: 'Reset ID',
      email: { label: 'Email the new ID to the user', checked: ctx.tenant.sendEmailByDefault },
      danger: true,
    });
    if (!ok) return;
    await act(r('reset-id'), r('reset-id-result'), async () => {
      const change = await api.resetConferenceId(t, user.id, ok.sendEmail);
      await refresh();
      return `New ID ${change.conferenceId}; ${change.previousConferenceId} is refused from now on.${change.emailQueued ? ' The new ID is being emailed.' : ''}`;
    });
  });

  onSubmit(r<HTMLFormElement>('set-id-form'), async (button) => {
    const chosen = r<HTMLInputElement>('chosen-id').value.trim();
    await act(button, r('set-id-result'), async () => {
      const change = await api.setConferenceId(t, user.id, chosen, r<HTMLInputElement>('set-id-email').checked);
      await refresh();
      return `The ID is now ${change.conferenceId}; ${change.previousConferenceId ?? 'the old one'} is refused from now on.${change.emailQueued ? ' It is being emailed.' : ''}`;
    });
  });
  r<HTMLInputElement>('set-id-email').checked = ctx.tenant.sendEmailByDefault;

  const pinBox = r('pin-once');
  const forgetPin = () => {
    r('new-pin').textContent = '';
    pinBox.hidden = true;
  };
  ctx.signal.addEventListener('abort', forgetPin);
  r('pin-dismiss').addEventListener('click', () => {
    forgetPin();
    r('reset-pin').focus();
  });
  r('reset-pin').addEventListener('click', async () => {
    const ok = await confirmAction({
      title: 'Reset leader PIN?',
      message: 'The current PIN stops working at once. The new PIN is shown here once.',
      confirmLabel: 'Reset PIN',
      email: { label: 'Email the new PIN to the user', checked: ctx.tenant.sendEmailByDefault },
    });
    if (!ok) return;
    forgetPin();
    await act(r('reset-pin'), r('reset-pin-result'), async () => {
      const reset = await api.resetLeaderPin(t, user.id, ok.sendEmail);
      r('new-pin').textContent = reset.leaderPin;
      pinBox.hidden = false;
      await loadAudit();
      return `The PIN was reset; the old one no longer starts meetings.${reset.emailQueued ? ' The new PIN is being emailed.' : ''}`;
    });
  });

  // Only when the server has it (issue: organizers locked out by wrong PINs); see capabilities.ts.
  r('unlock-row').hidden = !ctx.caps.leaderPinUnlock;
  r('unlock').addEventListener('click', () => void act(r('unlock'), r('unlock-result'), async () => {
    const answer = await api.unlockLeaderPin(t, user.id);
    await loadAudit();
    return unlockText(answer);
  }));

  onSubmit(r<HTMLFormElement>('send-info-form'), async (button) => {
    const to = r<HTMLInputElement>('info-to').value.trim();
    await act(button, r('send-info-result'), async () => {
      await api.sendConferenceInfo(t, user.id, to || undefined);
      await loadAudit();
      return `The conference info is queued for ${to || user.email}.`;
    });
  });

  r('disable').addEventListener('click', async () => {
    const ok = await confirmAction({
      title: `Disable ${user.displayName}?`,
      message: `${user.displayName} can no longer organize meetings with audio conferencing.${user.conferenceId ? ` The ID ${user.conferenceId} is refused from now on.` : ''}`,
      confirmLabel: 'Disable',
      danger: true,
    });
    if (!ok) return;
    const done = await act(r('disable'), r('disable-result'), async () => {
      await api.disableUser(t, user.id);
      return `${user.displayName} is disabled.`;
    });
    if (!done) return;
    for (const el of view.querySelectorAll<HTMLButtonElement | HTMLInputElement>('.actions button, .actions input')) el.disabled = true;
    say(r('status'), `${user.displayName} is no longer enabled for audio conferencing.`, 'ok');
  });

  show(user);
  await loadAudit();
}

/** The unlock's answer in words (`{ wasLocked, wrongPinsCleared }`; an answer without them: unlocked). */
export function unlockText(answer: UnlockAnswer | null): string {
  const cleared = answer?.wrongPinsCleared ?? 0;
  const entries = `${cleared} wrong PIN ${cleared === 1 ? 'entry' : 'entries'}`;
  if (answer?.wasLocked === false) return `The leader step was not locked${cleared ? `; ${entries} ${cleared === 1 ? 'was' : 'were'} cleared` : ''}: the organizer can start meetings with their PIN.`;
  return `The leader step is unlocked${cleared ? ` (${entries} cleared)` : ''}: the organizer can start meetings with their PIN again.`;
}
