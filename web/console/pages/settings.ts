// The tenant's audio conferencing settings: changeable with a write key (only what changed is
// sent), shown disabled to read-only keys.
import { api } from '../api.js';
import type { Ctx } from '../context.js';
import { fromTemplate, onSubmit, ref } from '../dom.js';
import { act } from '../feedback.js';
import type { Announcements, ConferenceIdMode, Tenant, TenantSettings } from '../types.js';

export async function renderSettings(ctx: Ctx, view: HTMLElement): Promise<void> {
  view.append(fromTemplate('settings'));
  const input = (name: string) => ref<HTMLInputElement>(view, name);
  const select = (name: string) => ref<HTMLSelectElement>(view, name);

  const fill = (t: Tenant) => {
    input('name').value = t.name;
    input('pin-length').value = String(t.pinLength);
    input('send-email').checked = t.sendEmailByDefault;
    input('callers-start').checked = t.allowCallersToStartMeeting;
    select('announcements').value = t.entryExitAnnouncements;
    select('mode').value = t.conferenceIdMode;
  };
  const read = (): TenantSettings => ({
    name: input('name').value.trim(),
    pinLength: Number(input('pin-length').value),
    sendEmailByDefault: input('send-email').checked,
    allowCallersToStartMeeting: input('callers-start').checked,
    entryExitAnnouncements: select('announcements').value as Announcements,
    conferenceIdMode: select('mode').value as ConferenceIdMode,
  });

  fill(ctx.tenant);
  ref<HTMLFieldSetElement>(view, 'fields').disabled = !ctx.canWrite;
  ref<HTMLButtonElement>(view, 'save').disabled = !ctx.canWrite;
  ref(view, 'read-only').hidden = ctx.canWrite;

  onSubmit(ref<HTMLFormElement>(view, 'form'), async (button) => {
    const wanted = read();
    const patch: Partial<TenantSettings> = {};
    for (const key of Object.keys(wanted) as (keyof TenantSettings)[]) {
      if (wanted[key] !== ctx.tenant[key]) Object.assign(patch, { [key]: wanted[key] });
    }
    await act(button, ref(view, 'result'), async () => {
      if (!Object.keys(patch).length) return 'Nothing to save: no setting was changed.';
      const updated = await api.updateTenant(ctx.tenant.id, patch);
      ctx.setTenant(updated);
      fill(updated);
      return `Saved: ${Object.keys(patch).length === 1 ? 'one setting' : `${Object.keys(patch).length} settings`} changed, in effect for the next call.`;
    });
  });
}
