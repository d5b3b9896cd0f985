// The confirmation dialog (a modal <dialog>): Enter confirms (the confirm button has the focus),
// Escape or Cancel closes it and nothing happens. An optional "send email" box is offered with
// the tenant's default.
import { byId } from './dom.js';

export interface Confirmation {
  title: string;
  message: string;
  confirmLabel: string;
  /** Offer the "email the user" box, ticked or not. */
  email?: { label: string; checked: boolean };
  danger?: boolean;
}

export function confirmAction(c: Confirmation): Promise<{ sendEmail: boolean } | null> {
  const dialog = byId<HTMLDialogElement>('confirm');
  byId('confirm-title').textContent = c.title;
  byId('confirm-message').textContent = c.message;
  const ok = byId<HTMLButtonElement>('confirm-ok');
  ok.textContent = c.confirmLabel;
  ok.classList.toggle('danger', c.danger === true);
  const emailLabel = byId('confirm-email-label');
  const email = byId<HTMLInputElement>('confirm-email');
  emailLabel.hidden = !c.email;
  byId('confirm-email-text').textContent = c.email?.label ?? '';
  email.checked = c.email?.checked ?? false;
  dialog.returnValue = '';
  dialog.showModal();
  ok.focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm' ? { sendEmail: c.email ? email.checked : false } : null), { once: true });
  });
}

export function wireConfirmDialog(): void {
  const dialog = byId<HTMLDialogElement>('confirm');
  byId('confirm-cancel').addEventListener('click', () => dialog.close('cancel'));
}
