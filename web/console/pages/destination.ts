// One meeting destination form, for a tenant or for its bridge: Twilio rooms or a SIP address
// with the room's header. Passwords are write-only: the API says only whether one is set, so the
// form offers "type a new one" or "remove", and a password left empty is kept as it is.
import { api, ownerPath } from '../api.js';
import type { Ctx } from '../context.js';
import { confirmAction } from '../dialog.js';
import { dateTime, fromTemplate, onSubmit, ref } from '../dom.js';
import { FormProblem } from '../errors.js';
import { act, say } from '../feedback.js';
import type { Destination, DestinationBody } from '../types.js';

export interface DestinationOwner {
  kind: 'tenant' | 'bridge';
  id: string;
  /** Platform keys only for a bridge; tenant write keys for their tenant. */
  canWrite: boolean;
}

const DEFAULT_ROOM_HEADER = 'X-Jitsi-Conference-Room';

/** In words: where callers go now, and whose setting that is. */
export function destinationText(d: Destination, owner: DestinationOwner['kind']): string {
  const where = d.kind === 'twilio' ? 'Twilio conference rooms' : `${d.uriTemplate} (room in ${d.roomHeader})`;
  if (owner === 'bridge') return d.scope === 'bridge' ? `The bridge sends callers to ${where}.` : 'The bridge has no destination: its tenants\' callers meet in Twilio conference rooms unless a tenant has its own.';
  if (d.scope === 'tenant') return `This tenant sends callers to ${where}.`;
  if (d.scope === 'bridge') return `This tenant has no destination of its own: it uses its bridge's, ${where}.`;
  return 'This tenant has no destination of its own and neither has its bridge: callers meet in Twilio conference rooms.';
}

export async function renderDestination(ctx: Ctx, owner: DestinationOwner, into: HTMLElement): Promise<void> {
  const path = ownerPath[owner.kind](owner.id);
  let current = await api.destination(path);
  if (ctx.signal.aborted) return;
  const frag = fromTemplate('destination');
  const form = ref<HTMLFormElement>(frag, 'form');
  const r = <E extends HTMLElement = HTMLElement>(name: string) => ref<E>(form, name);
  const input = (name: string) => r<HTMLInputElement>(name);
  const title = owner.kind === 'tenant' ? 'This tenant\'s destination' : 'The bridge\'s destination';
  form.setAttribute('aria-label', title);
  form.dataset.owner = owner.kind;
  r('title').textContent = title;
  r('legend').textContent = title;
  r('applies').textContent = owner.kind === 'tenant'
    ? 'A destination of the tenant\'s own wins over its bridge\'s. Changes apply to the next call.'
    : 'Applies to every tenant of this bridge that has no destination of its own (a bridge may serve several tenants). Platform keys only.';
  r('remove').textContent = owner.kind === 'tenant' ? 'Use the bridge\'s destination…' : 'Remove the bridge\'s destination…';
  into.append(form);

  const showSip = () => { r('sip').hidden = r<HTMLSelectElement>('kind').value !== 'sip'; };
  r('kind').addEventListener('change', showSip);
  for (const [box, fields] of [['auth-remove', ['auth-user', 'auth-password']], ['room-password-remove', ['room-password-header', 'room-password']]] as const) {
    input(box).addEventListener('change', () => { for (const f of fields) input(f).disabled = input(box).checked || !owner.canWrite; });
  }

  /** Own: the setting this form changes (a tenant's inherited destination has no secrets of its own). */
  const own = () => (current.scope === owner.kind ? current : null);
  const fill = (d: Destination) => {
    current = d;
    say(r('current'), `${destinationText(d, owner.kind)}${d.updatedAt && d.scope === owner.kind ? ` Last changed ${dateTime(d.updatedAt)}.` : ''}`);
    r<HTMLSelectElement>('kind').value = d.kind;
    input('uri').value = d.uriTemplate ?? '';
    input('room-header').value = d.roomHeader ?? DEFAULT_ROOM_HEADER;
    input('role-header').value = d.roleHeader ?? '';
    const mine = own();
    input('auth-user').value = mine?.sipAuth?.username ?? '';
    input('room-password-header').value = mine?.roomPassword?.header ?? '';
    for (const name of ['auth-password', 'room-password']) input(name).value = '';
    for (const name of ['auth-remove', 'room-password-remove']) input(name).checked = false;
    r('auth-state').textContent = mine?.sipAuth ? '(a password is set; it is never shown: type a new one to replace it)' : '(none set)';
    r('room-password-state').textContent = mine?.roomPassword ? '(a password is set; it is never shown: type a new one to replace it)' : '(none set)';
    input('auth-password').placeholder = mine?.sipAuth ? 'unchanged' : '';
    input('room-password').placeholder = mine?.roomPassword ? 'unchanged' : '';
    input('auth-remove').closest('label')!.hidden = !mine?.sipAuth;
    input('room-password-remove').closest('label')!.hidden = !mine?.roomPassword;
    showSip();
    r<HTMLFieldSetElement>('fields').disabled = !owner.canWrite;
    r<HTMLButtonElement>('save').disabled = !owner.canWrite;
    r<HTMLButtonElement>('remove').disabled = !owner.canWrite || d.scope !== owner.kind;
    for (const f of ['auth-user', 'auth-password', 'room-password-header', 'room-password']) input(f).disabled = false;
  };

  onSubmit(form, async (button) => {
    await act(button, r('result'), async () => {
      const body = bodyOf(form, own());
      const saved = await api.putDestination(path, body);
      fill(saved);
      return `Saved. ${destinationText(saved, owner.kind)}`;
    });
  });

  r('remove').addEventListener('click', async () => {
    const ok = await confirmAction({
      title: owner.kind === 'tenant' ? 'Use the bridge\'s destination?' : 'Remove the bridge\'s destination?',
      message: owner.kind === 'tenant'
        ? 'The tenant\'s own destination and its passwords are removed; callers go where the bridge sends them (Twilio conference rooms when it sends them nowhere).'
        : 'The bridge\'s destination and its passwords are removed; callers of its tenants without a destination of their own meet in Twilio conference rooms.',
      confirmLabel: 'Remove destination',
      danger: true,
    });
    if (!ok) return;
    await act(r<HTMLButtonElement>('remove'), r('result'), async () => {
      await api.removeDestination(path);
      fill(await api.destination(path));
      return `Removed. ${destinationText(current, owner.kind)}`;
    });
  });

  fill(current);
}

/** The PUT body from the form; credentials only when typed (kept otherwise) or removed. */
function bodyOf(form: HTMLFormElement, own: Destination | null): DestinationBody {
  const v = (name: string) => ref<HTMLInputElement>(form, name).value.trim();
  const checked = (name: string) => ref<HTMLInputElement>(form, name).checked;
  if (ref<HTMLSelectElement>(form, 'kind').value !== 'sip') return { kind: 'twilio' };
  const body: DestinationBody = { kind: 'sip', uriTemplate: v('uri'), roomHeader: v('room-header'), roleHeader: v('role-header') || null };
  const password = ref<HTMLInputElement>(form, 'auth-password').value;
  if (checked('auth-remove')) body.sipAuth = null;
  else if (password) body.sipAuth = { username: v('auth-user'), password };
  else if (v('auth-user') !== (own?.sipAuth?.username ?? '')) throw new FormProblem('Type the SIP password that goes with the username (passwords are never shown, so a new username needs it again).');
  const roomPassword = ref<HTMLInputElement>(form, 'room-password').value;
  if (checked('room-password-remove')) body.roomPassword = null;
  else if (roomPassword) body.roomPassword = { header: v('room-password-header'), password: roomPassword };
  else if (v('room-password-header') !== (own?.roomPassword?.header ?? '')) throw new FormProblem('Type the room password that goes with the header (it is never shown, so a new header needs it again).');
  return body;
}
