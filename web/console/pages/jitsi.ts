// The tenant's Jitsi integrations: listed with the two URLs to paste into Jitsi Meet's config.js,
// added, edited and deleted (deleting retires every ID its rooms hold, so it is confirmed), and
// each one's rooms (jitsi-rooms.ts).
import { api } from '../api.js';
import type { Ctx } from '../context.js';
import { confirmAction } from '../dialog.js';
import { h, onSubmit, ref } from '../dom.js';
import { FormProblem } from '../errors.js';
import { act, say } from '../feedback.js';
import type { JitsiIntegration, JitsiIntegrationBody } from '../types.js';
import { wireRooms } from './jitsi-rooms.js';

const lines = (text: string) => text.split(/[\n,]/).map((l) => l.trim()).filter(Boolean);
const count = (n: number) => n.toLocaleString('en-US');

/** The lines an operator adds to Jitsi Meet's config.js. */
export const configLines = (i: JitsiIntegration) => `dialInConfCodeUrl: '${i.dialInConfCodeUrl}',\ndialInNumbersUrl: '${i.dialInNumbersUrl}',`;

export async function renderJitsi(ctx: Ctx, view: HTMLElement): Promise<void> {
  const r = <E extends HTMLElement = HTMLElement>(name: string) => ref<E>(view, name);
  const input = (name: string) => r<HTMLInputElement>(name);
  let items = (await api.jitsiIntegrations(ctx.tenant.id)).items;
  if (ctx.signal.aborted) return;
  r('jitsi').hidden = false;
  r('integration-form').hidden = false;
  let editing: JitsiIntegration | null = null;
  let shown: string | null = items[0]?.id ?? null;
  const rooms = ctx.caps.mapperRooms ? wireRooms(ctx, view) : null;

  const showConfig = (i: JitsiIntegration | undefined) => {
    r('config').hidden = !i;
    if (!i) return;
    shown = i.id;
    r('config-title').textContent = `Setting up ${i.name} in Jitsi Meet`;
    r('config-text').textContent = configLines(i);
  };
  /** The config.js button: its lines, with the keyboard focus on them (to select and copy). */
  const pickConfig = (i: JitsiIntegration) => {
    showConfig(i);
    r('config-text').focus();
  };
  const show = () => {
    r('integration-rows').replaceChildren(...items.map((i) => integrationRow(i, { config: pickConfig, edit, remove, rooms: rooms?.open }, ctx.canWrite)));
    if (!items.length) r('integration-rows').append(h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No Jitsi deployment uses this tenant yet: add one below.')));
    showConfig(items.find((i) => i.id === shown) ?? items[0]);
  };
  const reload = async () => {
    items = (await api.jitsiIntegrations(ctx.tenant.id)).items;
    show();
  };
  const clearForm = () => {
    editing = null;
    r<HTMLFormElement>('integration-form').reset();
    r('integration-form-title').textContent = 'Add a Jitsi integration';
    r('integration-save').textContent = 'Add integration';
  };
  const edit = (i: JitsiIntegration) => {
    editing = i;
    input('integration-name').value = i.name;
    r<HTMLTextAreaElement>('muc-domains').value = i.mucDomains.join('\n');
    r<HTMLTextAreaElement>('allowed-origins').value = i.allowedOrigins.join('\n');
    input('max-live-ids').value = String(i.maxLiveIds);
    r('integration-form-title').textContent = `Edit ${i.name}`;
    r('integration-save').textContent = 'Save integration';
    say(r('integration-result'), '');
    input('integration-name').focus();
  };
  const remove = async (i: JitsiIntegration, button: HTMLButtonElement) => {
    const ok = await confirmAction({
      title: `Delete the integration ${i.name}?`,
      message: `Jitsi Meet at ${i.allowedOrigins.join(', ') || 'its addresses'} stops getting conference IDs and numbers from this service, and the ${count(i.liveIds)} conference IDs its rooms hold are refused at once.`,
      confirmLabel: 'Delete integration',
      danger: true,
    });
    if (!ok) return;
    const done = await act(button, r('integrations-result'), async () => {
      await api.deleteJitsiIntegration(ctx.tenant.id, i.id);
      return `${i.name} is deleted; its rooms' conference IDs are refused from now on.`;
    });
    if (!done) return;
    if (editing?.id === i.id) clearForm();
    rooms?.close(i.id);
    await reload();
  };

  onSubmit(r<HTMLFormElement>('integration-form'), async (button) => {
    await act(button, r('integration-result'), async () => {
      const body = integrationBody(view);
      const saved = editing
        ? await api.updateJitsiIntegration(ctx.tenant.id, editing.id, changedFields(editing, body))
        : await api.createJitsiIntegration(ctx.tenant.id, body);
      const verb = editing ? 'saved' : 'added';
      shown = saved.id;
      clearForm();
      await reload();
      return `${saved.name} is ${verb}. Its config.js lines are shown above.`;
    });
  });
  r('integration-clear').addEventListener('click', () => {
    clearForm();
    say(r('integration-result'), '');
    input('integration-name').focus();
  });
  for (const c of r('integration-form').querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLButtonElement>('input, textarea, button')) c.disabled = !ctx.canWrite;

  show();
}

function integrationBody(view: HTMLElement): JitsiIntegrationBody {
  const max = ref<HTMLInputElement>(view, 'max-live-ids').value.trim();
  const body: JitsiIntegrationBody = {
    name: ref<HTMLInputElement>(view, 'integration-name').value.trim(),
    mucDomains: lines(ref<HTMLTextAreaElement>(view, 'muc-domains').value),
    allowedOrigins: lines(ref<HTMLTextAreaElement>(view, 'allowed-origins').value),
  };
  if (!body.mucDomains.length) throw new FormProblem('Name at least one MUC domain, such as conference.meet.example.com.');
  if (max) body.maxLiveIds = Number(max);
  return body;
}

/** A PATCH with only what changed (an edit that changes nothing sends an empty one). */
function changedFields(was: JitsiIntegration, body: JitsiIntegrationBody): Partial<JitsiIntegrationBody> {
  const patch: Partial<JitsiIntegrationBody> = {};
  if (body.name !== was.name) patch.name = body.name;
  if (body.mucDomains.join('\n') !== was.mucDomains.join('\n')) patch.mucDomains = body.mucDomains;
  if (body.allowedOrigins.join('\n') !== was.allowedOrigins.join('\n')) patch.allowedOrigins = body.allowedOrigins;
  if (body.maxLiveIds !== undefined && body.maxLiveIds !== was.maxLiveIds) patch.maxLiveIds = body.maxLiveIds;
  return patch;
}

interface RowActions {
  config(i: JitsiIntegration): void;
  edit(i: JitsiIntegration): void;
  remove(i: JitsiIntegration, b: HTMLButtonElement): void;
  rooms?: ((i: JitsiIntegration) => void) | undefined;
}

function integrationRow(i: JitsiIntegration, on: RowActions, canWrite: boolean): HTMLTableRowElement {
  const button = (text: string, label: string, cls = 'quiet') => h('button', { type: 'button', class: cls, 'aria-label': `${label} ${i.name}` }, text);
  const config = button('config.js', 'The config.js lines of');
  const edit = button('Edit', 'Edit', 'quiet');
  const rooms = on.rooms ? button('Rooms', 'The rooms of') : null;
  const del = button('Delete', 'Delete', 'quiet danger');
  config.addEventListener('click', () => on.config(i));
  edit.addEventListener('click', () => on.edit(i));
  rooms?.addEventListener('click', () => on.rooms!(i));
  del.addEventListener('click', () => on.remove(i, del));
  edit.disabled = del.disabled = !canWrite;
  const list = (items: string[]) => (items.length ? items.flatMap((x, k) => (k ? [h('br'), x] : [x])) : ['–']);
  return h('tr', { 'data-integration': i.id },
    h('td', { 'data-label': 'Name' }, i.name),
    h('td', { 'data-label': 'MUC domains', class: 'mono' }, ...list(i.mucDomains)),
    h('td', { 'data-label': 'Allowed origins', class: 'mono' }, ...list(i.allowedOrigins)),
    h('td', { 'data-label': 'Live IDs' }, `${count(i.liveIds)} of ${count(i.maxLiveIds)}`),
    h('td', { class: 'row-actions' }, config, ' ', rooms, rooms ? ' ' : null, edit, ' ', del),
  );
}
