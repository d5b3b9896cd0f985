// "Enable a user…": the dialog that enables a user for audio conferencing (POST .../users). The
// new user's leader PIN is shown in the dialog once, and forgotten when it closes.
import { api } from '../api.js';
import type { Ctx } from '../context.js';
import { onSubmit, ref } from '../dom.js';
import { act } from '../feedback.js';
import { href } from '../routes.js';
import type { NewUser } from '../types.js';

export function wireEnableDialog(ctx: Ctx, view: HTMLElement, open: HTMLButtonElement, enabled: () => Promise<void>): void {
  const dialog = ref<HTMLDialogElement>(view, 'enable-dialog');
  const form = ref<HTMLFormElement>(view, 'enable-form');
  const field = (name: string) => ref<HTMLInputElement>(view, name);
  const provider = ref<HTMLSelectElement>(view, 'new-provider');
  const result = ref(view, 'enable-result');
  const pinBox = ref(view, 'enable-pin');
  const openUser = ref<HTMLAnchorElement>(view, 'enable-open');

  const forget = () => {
    ref(view, 'enable-pin-value').textContent = '';
    pinBox.hidden = true;
    openUser.hidden = true;
    result.textContent = '';
  };
  const providerChanged = () => {
    const third = provider.value === 'third_party';
    ref(view, 'new-toll-label').hidden = !third;
    field('new-toll').required = third;
    field('new-id').required = third;
    ref(view, 'new-id-hint').textContent = third ? '(the provider\'s)' : '(optional: leave empty for a new one)';
  };
  provider.addEventListener('change', providerChanged);

  open.addEventListener('click', () => {
    form.reset();
    forget();
    providerChanged();
    field('new-send-email').checked = ctx.tenant.sendEmailByDefault;
    dialog.showModal();
    field('new-email').focus();
  });
  ref(view, 'enable-cancel').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    forget();
    open.focus();
  });

  onSubmit(form, async (button) => {
    forget();
    const body: NewUser = {
      email: field('new-email').value.trim(),
      displayName: field('new-name').value.trim(),
      provider: provider.value === 'third_party' ? 'third_party' : 'builtin',
      sendEmail: field('new-send-email').checked,
    };
    const id = field('new-id').value.trim();
    if (id) body.conferenceId = id;
    if (body.provider === 'third_party') body.tollNumber = field('new-toll').value.trim();
    await act(button, result, async () => {
      const user = await api.enableUser(ctx.tenant.id, body);
      ctx.names.set(user.id, user.displayName);
      if (user.leaderPin) {
        ref(view, 'enable-pin-name').textContent = user.displayName;
        ref(view, 'enable-pin-value').textContent = user.leaderPin;
        pinBox.hidden = false;
      }
      openUser.href = href(ctx.tenant.id, 'users', user.id);
      openUser.hidden = false;
      form.reset();
      providerChanged();
      field('new-send-email').checked = ctx.tenant.sendEmailByDefault;
      void enabled();
      const id = user.conferenceId ? `conference ID ${user.conferenceId}` : 'an ID per meeting';
      return `Enabled ${user.displayName} with ${id}.${user.emailQueued ? ' The details are being emailed.' : ''}`;
    });
  });
}
