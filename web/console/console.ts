// The admin console: sign in with an API key, find a user by email, and act on their
// conferencing (reset or choose the conference ID, send the details, reset the PIN), with the
// audit trail beside it. Everything goes through the admin API; nothing is rendered as HTML
// (textContent only), and the page's Content-Security-Policy allows this script alone.
import { api, ApiError, session, type Me, type Tenant, type User } from './api.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
};
const input = (id: string) => $<HTMLInputElement>(id);

let me: Me | null = null;
let tenant: Tenant | null = null;
let user: User | null = null;

function status(text: string, isError = false): void {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('error', isError);
}

function describe(err: unknown): string {
  if (err instanceof ApiError) return err.status === 401 ? 'Your key is no longer accepted; sign in again.' : err.message;
  return 'The server could not be reached.';
}

/** Runs an action with its button disabled; reports its failure in the status line. */
async function busy(button: HTMLButtonElement | null, work: () => Promise<void>): Promise<void> {
  if (button) button.disabled = true;
  try {
    await work();
  } catch (err) {
    status(describe(err), true);
    if (err instanceof ApiError && err.status === 401) signOut();
  } finally {
    if (button) button.disabled = false;
    applyRights();
  }
}

// ---- signing in -------------------------------------------------------------------------------

async function signIn(key: string): Promise<void> {
  try {
    me = await api.me(key);
  } catch (err) {
    $('sign-in-error').textContent = err instanceof ApiError && err.status === 401 ? 'That key is not accepted.' : describe(err);
    session.clear();
    return;
  }
  session.set(key);
  $('sign-in-error').textContent = '';
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('sign-out').hidden = false;
  $('who').textContent = `${me.name}${me.tenantId ? ' (tenant key)' : ' (platform key)'}${me.readOnly ? ', read-only' : ''}`;
  const tenantInput = input('tenant-id');
  if (me.tenantId) {
    tenantInput.value = me.tenantId;
    tenantInput.readOnly = true;
  }
  input('email').focus();
}

function signOut(): void {
  session.clear();
  me = tenant = user = null;
  $('workspace').hidden = true;
  $('user').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('who').textContent = '';
  input('tenant-id').readOnly = false;
  input('api-key').value = '';
}

// ---- the user -----------------------------------------------------------------------------------

function showUser(u: User): void {
  user = u;
  $('user').hidden = false;
  $('user-name').textContent = u.displayName;
  $('user-email').textContent = u.email;
  $('user-provider').textContent = u.provider === 'builtin' ? 'this service (builtin)' : 'a third-party provider';
  $('user-conference-id').textContent = u.conferenceId ?? '(none: this tenant gives each meeting its own ID)';
  $('user-conference-id-updated').textContent = u.conferenceIdUpdatedAt ? `set ${new Date(u.conferenceIdUpdatedAt).toLocaleString()}` : '';
  $('user-toll').textContent = u.tollNumber ?? '–';
  $('user-toll-free').textContent = u.tollFreeNumber ?? '–';
  applyRights();
}

/** Buttons only for what the key and the user allow. */
function applyRights(): void {
  const readOnly = me?.readOnly ?? true;
  const builtinStatic = user?.provider === 'builtin' && user.conferenceId !== null;
  for (const id of ['reset-id', 'reset-pin']) $<HTMLButtonElement>(id).disabled = readOnly || !builtinStatic;
  for (const form of ['set-id-form', 'send-info-form']) {
    for (const el of $(form).querySelectorAll<HTMLButtonElement | HTMLInputElement>('button, input')) el.disabled = readOnly || (form === 'set-id-form' && !builtinStatic);
  }
}

async function refreshAudit(): Promise<void> {
  if (!tenant || !user) return;
  const events = (await api.auditEvents(tenant.id)).filter((e) => e.target.id === user!.id);
  const body = $('audit').querySelector('tbody')!;
  body.replaceChildren(...events.map((e) => {
    const row = document.createElement('tr');
    for (const text of [new Date(e.at).toLocaleString(), e.action, e.actor.name, JSON.stringify(e.details)]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  }));
  if (events.length === 0) {
    const row = document.createElement('tr');
    const cell = document.createElement('td');
    cell.colSpan = 4;
    cell.textContent = 'No events for this user among the tenant\'s 200 most recent.';
    row.append(cell);
    body.append(row);
  }
}

async function search(): Promise<void> {
  const tenantId = input('tenant-id').value.trim();
  const email = input('email').value.trim();
  $('user').hidden = true;
  $('pin-once').hidden = true;
  user = null;
  tenant = await api.tenant(tenantId);
  const found = await api.findUser(tenantId, email);
  if (!found) {
    status(`No enabled user with the email ${email} in ${tenant.name}.`, true);
    return;
  }
  status(`Found in ${tenant.name}.`);
  showUser(found);
  await refreshAudit();
}

// ---- actions --------------------------------------------------------------------------------------

function confirmDialog(id: string, emailBox: string): Promise<{ sendEmail: boolean } | null> {
  const dialog = $<HTMLDialogElement>(id);
  input(emailBox).checked = tenant?.sendEmailByDefault ?? true;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm' ? { sendEmail: input(emailBox).checked } : null), { once: true });
  });
}

async function afterIdChange(previous: string | null, next: string, emailQueued: boolean): Promise<void> {
  showUser(await api.user(tenant!.id, user!.id));
  status(`Conference ID changed from ${previous ?? '–'} to ${next}; ${previous ?? 'the old ID'} is refused from now on.${emailQueued ? ' An email is on its way.' : ''}`);
  await refreshAudit();
}

async function resetId(button: HTMLButtonElement): Promise<void> {
  if (!user || !tenant) return;
  $('confirm-old-id').textContent = user.conferenceId ?? '';
  const choice = await confirmDialog('confirm-reset', 'confirm-send-email');
  if (!choice) return;
  await busy(button, async () => {
    const r = await api.resetConferenceId(tenant!.id, user!.id, choice.sendEmail);
    await afterIdChange(r.previousConferenceId, r.conferenceId, r.emailQueued);
  });
}

async function setId(button: HTMLButtonElement | null): Promise<void> {
  if (!user || !tenant) return;
  const chosen = input('chosen-id').value.trim();
  await busy(button, async () => {
    const r = await api.setConferenceId(tenant!.id, user!.id, chosen, input('set-id-email').checked);
    input('chosen-id').value = '';
    await afterIdChange(r.previousConferenceId, r.conferenceId, r.emailQueued);
  });
}

async function sendInfo(button: HTMLButtonElement | null): Promise<void> {
  if (!user || !tenant) return;
  const to = input('info-to').value.trim();
  await busy(button, async () => {
    await api.sendConferenceInfo(tenant!.id, user!.id, to || undefined);
    status(`Conference details queued for ${to || user!.email}.`);
    await refreshAudit();
  });
}

async function resetPin(button: HTMLButtonElement): Promise<void> {
  if (!user || !tenant) return;
  const choice = await confirmDialog('confirm-pin', 'confirm-pin-email');
  if (!choice) return;
  await busy(button, async () => {
    const r = await api.resetLeaderPin(tenant!.id, user!.id, choice.sendEmail);
    $('new-pin').textContent = r.leaderPin;
    $('pin-once').hidden = false;
    status(`Leader PIN reset.${r.emailQueued ? ' An email is on its way.' : ''}`);
    await refreshAudit();
  });
}

// ---- wiring ------------------------------------------------------------------------------------

function onSubmit(id: string, handler: (button: HTMLButtonElement | null) => Promise<void>): void {
  $(id).addEventListener('submit', (e) => {
    e.preventDefault();
    const button = (e as SubmitEvent).submitter as HTMLButtonElement | null;
    void handler(button);
  });
}

onSubmit('sign-in-form', () => signIn(input('api-key').value.trim()));
onSubmit('search-form', (button) => busy(button, search));
onSubmit('set-id-form', setId);
onSubmit('send-info-form', sendInfo);
$('reset-id').addEventListener('click', (e) => void resetId(e.currentTarget as HTMLButtonElement));
$('reset-pin').addEventListener('click', (e) => void resetPin(e.currentTarget as HTMLButtonElement));
$('sign-out').addEventListener('click', signOut);
$('pin-dismiss').addEventListener('click', () => {
  $('new-pin').textContent = '';
  $('pin-once').hidden = true;
});

const saved = session.key;
if (saved) void signIn(saved);
