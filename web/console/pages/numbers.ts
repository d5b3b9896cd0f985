// The tenant's bridge and its dial-in numbers. The API lets platform keys read and change them
// (bridge name and default numbers, numbers added, edited, deleted, users moved from one default
// number to another); tenant keys read them (GET /tenants/{t}/dial-in-numbers), or on a server
// without that route are sent to the Users page, where each user's default numbers are.
import { api } from '../api.js';
import type { Ctx } from '../context.js';
import { confirmAction } from '../dialog.js';
import { fromTemplate, h, onSubmit, ref } from '../dom.js';
import { act } from '../feedback.js';
import { href } from '../routes.js';
import type { Bridge, DialInNumber, NumberType } from '../types.js';
import { wireCallerBlocks } from './caller-blocks.js';
import { trackJob } from './jobs.js';

const typeText = (t: NumberType) => (t === 'toll' ? 'Toll' : 'Toll-free');

export async function renderNumbers(ctx: Ctx, view: HTMLElement): Promise<void> {
  view.append(fromTemplate('numbers'));
  const r = <E extends HTMLElement = HTMLElement>(name: string) => ref<E>(view, name);
  if (!ctx.isPlatform) {
    if (ctx.caps.tenantNumbers) return renderReadOnly(ctx, view);
    r('intro').textContent = 'Dial-in numbers and bridges are read and changed with a platform key. '
      + 'Each user\'s default numbers (those on their invitations) are on the Users page.';
    return;
  }
  r('intro').textContent = 'The numbers callers dial for this tenant\'s meetings, on its bridge. A bridge may serve several tenants: changes here reach all of them.';
  r('platform').hidden = false;
  if (ctx.caps.callerBlocks) wireCallerBlocks(ctx, view);
  for (const name of ['bridge-name', 'default-toll', 'default-toll-free', 'move-from', 'move-to']) {
    r(name).addEventListener('input', (e) => { (e.currentTarget as HTMLElement).dataset.edited = 'yes'; });
  }
  let bridge = await api.bridge(ctx.tenant.bridgeId);
  let numbers = (await api.numbers(bridge.id)).items;
  if (ctx.signal.aborted) return;

  const reload = async () => {
    [bridge, numbers] = await Promise.all([api.bridge(bridge.id), api.numbers(bridge.id).then((p) => p.items)]);
    show();
  };
  const show = () => {
    showBridge(view, bridge, numbers);
    r('rows').replaceChildren(...numbers.map((n) => numberRow(n, bridge, { edit, remove })));
    if (!numbers.length) r('rows').append(h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No numbers on this bridge yet.')));
    // a read-only platform key sees everything and changes nothing
    if (!ctx.canWrite) for (const c of r('platform').querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>('input, select, button')) c.disabled = true;
  };
  const edit = (n: DialInNumber) => {
    fillNumberForm(view, n);
    r('number-form-title').textContent = `Edit ${n.number}`;
    r<HTMLInputElement>('primary-language').focus();
  };
  const remove = async (n: DialInNumber, button: HTMLButtonElement) => {
    const ok = await confirmAction({
      title: `Delete ${n.number}?`,
      message: 'Callers to this number hear that it is not in service. A bridge default cannot be deleted: choose another default first.',
      confirmLabel: 'Delete number',
      danger: true,
    });
    if (!ok) return;
    if (!(await act(button, r('rows-result'), async () => { await api.deleteNumber(n.number); return `${n.number} is deleted.`; }))) return;
    if (r<HTMLInputElement>('number').value === n.number) clearNumberForm();
    await reload();
  };
  const clearNumberForm = () => {
    r<HTMLFormElement>('number-form').reset();
    r<HTMLInputElement>('number').readOnly = false;
    r('number-form-title').textContent = 'Add a number';
  };

  onSubmit(r<HTMLFormElement>('bridge-form'), async (button) => {
    const patch = {
      name: r<HTMLInputElement>('bridge-name').value.trim(),
      defaultTollNumber: r<HTMLSelectElement>('default-toll').value || null,
      defaultTollFreeNumber: r<HTMLSelectElement>('default-toll-free').value || null,
    };
    await act(button, r('bridge-result'), async () => {
      bridge = await api.updateBridge(bridge.id, patch);
      bridgeSaved(view);
      show();
      return 'The bridge is saved; new invitations and emails carry its default numbers.';
    });
  });

  onSubmit(r<HTMLFormElement>('number-form'), async (button) => {
    const value = (name: string) => r<HTMLInputElement>(name).value.trim();
    const number = value('number');
    const body = {
      bridgeId: bridge.id,
      type: r<HTMLSelectElement>('type').value as NumberType,
      primaryLanguage: value('primary-language'),
      secondaryLanguages: value('secondary-languages').split(',').map((l) => l.trim()).filter(Boolean),
      city: value('city') || null,
      country: value('country').toUpperCase() || null,
    };
    const saved = await act(button, r('number-result'), async () => {
      await api.putNumber(number, body);
      return `${number} is saved on this bridge.`;
    });
    if (saved) await reload();
  });
  r('number-clear').addEventListener('click', () => {
    clearNumberForm();
    r<HTMLInputElement>('number').focus();
  });

  onSubmit(r<HTMLFormElement>('move-form'), async (button) => {
    const from = r<HTMLSelectElement>('move-from').value;
    const to = r<HTMLSelectElement>('move-to').value;
    const result = r('move-result');
    let total = 0;
    const started = await act(button, result, async () => {
      const job = await api.moveDefaultNumber(bridge.id, from, to);
      trackJob(job.jobId);
      total = job.total;
      return '';
    });
    if (started) result.replaceChildren(`A job moves ${total} users from ${from} to ${to}. `, h('a', { href: href(ctx.tenant.id, 'jobs') }, 'Follow it on the Jobs page'));
  });

  show();
}

/** A tenant key's view: the bridge, its defaults and its numbers, nothing to change. */
async function renderReadOnly(ctx: Ctx, view: HTMLElement): Promise<void> {
  const r = <E extends HTMLElement = HTMLElement>(name: string) => ref<E>(view, name);
  const { bridge, items } = await api.tenantNumbers(ctx.tenant.id);
  if (ctx.signal.aborted) return;
  r('intro').textContent = `The numbers your callers dial, on the bridge "${bridge.name}". They are changed with a platform key.`;
  r('readonly').hidden = false;
  r('readonly-defaults').replaceChildren(
    h('dt', {}, 'Default toll number'), h('dd', { class: 'mono' }, bridge.defaultTollNumber ?? 'None'),
    h('dt', {}, 'Default toll-free number'), h('dd', { class: 'mono' }, bridge.defaultTollFreeNumber ?? 'None'),
  );
  r('readonly-rows').replaceChildren(...items.map((n) => numberRow(n, bridge)));
  if (!items.length) r('readonly-rows').append(h('tr', {}, h('td', { colspan: 4, class: 'empty' }, 'No numbers on this bridge yet.')));
}

/**
 * Fills the bridge form. A field the admin has changed and not saved yet keeps their choice when
 * the numbers are reloaded (after a number is added, say); saving the bridge clears the marks.
 */
function showBridge(view: HTMLElement, bridge: Bridge, numbers: DialInNumber[]): void {
  const keep = (el: HTMLInputElement | HTMLSelectElement, value: string) => (el.dataset.edited === 'yes' ? el.value : value);
  const name = ref<HTMLInputElement>(view, 'bridge-name');
  name.value = keep(name, bridge.name);
  const fill = (select: HTMLSelectElement, type: NumberType | null, chosen: string | null, none: string) => {
    const value = keep(select, chosen ?? '');
    select.replaceChildren(
      ...(none ? [h('option', { value: '' }, none)] : []),
      ...numbers.filter((n) => type === null || n.type === type).map((n) => h('option', { value: n.number }, n.number)),
    );
    select.value = value;
  };
  fill(ref(view, 'default-toll'), 'toll', bridge.defaultTollNumber, 'None');
  fill(ref(view, 'default-toll-free'), 'toll_free', bridge.defaultTollFreeNumber, 'None');
  fill(ref(view, 'move-from'), null, null, '');
  fill(ref(view, 'move-to'), null, null, '');
}

/** After the bridge is saved, its form shows what the server has. */
function bridgeSaved(view: HTMLElement): void {
  for (const name of ['bridge-name', 'default-toll', 'default-toll-free']) delete ref(view, name).dataset.edited;
}

/** A number's row; with `actions`, its Edit and Delete buttons. */
function numberRow(
  n: DialInNumber, bridge: Bridge,
  actions?: { edit: (n: DialInNumber) => void; remove: (n: DialInNumber, b: HTMLButtonElement) => void },
): HTMLTableRowElement {
  const isDefault = n.number === bridge.defaultTollNumber || n.number === bridge.defaultTollFreeNumber;
  const row = h('tr', { 'data-number': n.number },
    h('td', { 'data-label': 'Number', class: 'mono' }, n.number, isDefault ? h('span', { class: 'badge' }, 'default') : null),
    h('td', { 'data-label': 'Type' }, typeText(n.type)),
    h('td', { 'data-label': 'Languages' }, [n.primaryLanguage, ...n.secondaryLanguages].join(', ')),
    h('td', { 'data-label': 'Place' }, [n.city, n.country].filter(Boolean).join(', ') || '–'),
  );
  if (actions) {
    const editButton = h('button', { type: 'button', class: 'quiet', 'aria-label': `Edit ${n.number}` }, 'Edit');
    const deleteButton = h('button', { type: 'button', class: 'quiet danger', 'aria-label': `Delete ${n.number}` }, 'Delete');
    editButton.addEventListener('click', () => actions.edit(n));
    deleteButton.addEventListener('click', () => actions.remove(n, deleteButton));
    row.append(h('td', { class: 'row-actions' }, editButton, ' ', deleteButton));
  }
  return row;
}

function fillNumberForm(view: HTMLElement, n: DialInNumber): void {
  const set = (name: string, v: string) => { ref<HTMLInputElement>(view, name).value = v; };
  set('number', n.number);
  ref<HTMLInputElement>(view, 'number').readOnly = true;
  ref<HTMLSelectElement>(view, 'type').value = n.type;
  set('primary-language', n.primaryLanguage);
  set('secondary-languages', n.secondaryLanguages.join(', '));
  set('city', n.city ?? '');
  set('country', n.country ?? '');
}
