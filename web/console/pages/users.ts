// The users of a tenant: search as you type, pages by cursor, each user's conference ID,
// provider, default numbers and last change; enabling a user, and a bulk reset of the selected.
import { api, type UserQuery } from '../api.js';
import type { Ctx } from '../context.js';
import { confirmAction } from '../dialog.js';
import { debounce, fromTemplate, h, ref } from '../dom.js';
import { inWords } from '../errors.js';
import { act, say } from '../feedback.js';
import { Pager } from '../pager.js';
import { conferenceIdText, lastChange, providerText } from '../present.js';
import { href } from '../routes.js';
import type { User } from '../types.js';
import { wireEnableDialog } from './enable-user.js';

const PAGE_SIZE = 25;

export async function renderUsers(ctx: Ctx, view: HTMLElement): Promise<void> {
  view.append(fromTemplate('users'));
  const search = ref<HTMLInputElement>(view, 'search');
  const hint = ref(view, 'search-hint');
  const rows = ref(view, 'rows');
  const status = ref(view, 'status');
  const selectAll = ref<HTMLInputElement>(view, 'select-all');
  const bulk = ref<HTMLButtonElement>(view, 'bulk-reset');
  const selected = new Set<string>();
  const staticIds = ctx.tenant.conferenceIdMode === 'static';

  search.placeholder = ctx.caps.userSearch ? 'Name or email' : 'Whole email address';
  hint.textContent = ctx.caps.userSearch ? '' : 'This server finds a user by their whole email address (no search by name yet).';

  const updateBulk = () => {
    bulk.disabled = !ctx.canWrite || !staticIds || selected.size === 0;
    bulk.textContent = selected.size ? `Reset IDs of ${selected.size} selected…` : 'Reset IDs of selected…';
    const boxes = [...rows.querySelectorAll<HTMLInputElement>('input[type=checkbox]:not(:disabled)')];
    selectAll.checked = boxes.length > 0 && boxes.every((b) => b.checked);
  };

  const showRows = (users: User[]) => {
    selected.clear();
    for (const u of users) ctx.names.set(u.id, u.displayName);
    rows.replaceChildren(...users.map((u) => userRow(ctx, u, selected, updateBulk)));
    updateBulk();
    const term = search.value.trim();
    say(status, users.length ? '' : term ? `No user matches “${term}”.` : 'No user is enabled yet.');
  };

  /** The query for the search box, or null while it cannot be asked (a partial address). */
  const queryFor = (term: string, cursor: string | undefined): UserQuery | null => {
    if (!term) return { cursor, limit: PAGE_SIZE };
    if (ctx.caps.userSearch) return { q: term, cursor, limit: PAGE_SIZE };
    return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(term) ? { email: term, cursor, limit: PAGE_SIZE } : null;
  };

  const pager = new Pager<User>(
    { prev: ref(view, 'prev'), next: ref(view, 'next'), label: ref(view, 'page-no') },
    (cursor) => {
      const q = queryFor(search.value.trim(), cursor);
      return q ? api.users(ctx.tenant.id, q) : Promise.resolve({ items: [], nextCursor: null });
    },
    showRows,
    (err) => say(status, inWords(err), 'error'),
  );
  const research = debounce(() => {
    if (ctx.signal.aborted) return;
    if (queryFor(search.value.trim(), undefined)) {
      void pager.first();
      return;
    }
    pager.clear();
    rows.replaceChildren();
    say(status, 'Type the whole email address to find the user.');
  }, 250);
  search.addEventListener('input', research);

  selectAll.addEventListener('change', () => {
    for (const box of rows.querySelectorAll<HTMLInputElement>('input[type=checkbox]:not(:disabled)')) {
      box.checked = selectAll.checked;
      box.dispatchEvent(new Event('change'));
    }
  });
  selectAll.disabled = !ctx.canWrite || !staticIds;
  bulk.addEventListener('click', () => void bulkReset(ctx, view, selected, bulk));

  const enable = ref<HTMLButtonElement>(view, 'enable');
  enable.disabled = !ctx.canWrite;
  wireEnableDialog(ctx, view, enable, () => pager.reload());

  await pager.first();
}

function userRow(ctx: Ctx, u: User, selected: Set<string>, changed: () => void): HTMLTableRowElement {
  const box = h('input', { type: 'checkbox', 'aria-label': `Select ${u.displayName}`, disabled: !ctx.canWrite || ctx.tenant.conferenceIdMode !== 'static' || u.provider !== 'builtin' });
  box.addEventListener('change', () => {
    if (box.checked && !box.disabled) selected.add(u.id);
    else selected.delete(u.id);
    changed();
  });
  const numbers = [u.tollNumber && `${u.tollNumber} (toll)`, u.tollFreeNumber && `${u.tollFreeNumber} (toll-free)`].filter(Boolean) as string[];
  return h('tr', { 'data-user': u.id },
    h('td', { class: 'pick' }, box),
    h('td', { 'data-label': 'Name' }, h('a', { href: href(ctx.tenant.id, 'users', u.id) }, u.displayName), h('br'), h('span', { class: 'hint' }, u.email)),
    h('td', { 'data-label': 'Conference ID', class: 'mono' }, conferenceIdText(u)),
    h('td', { 'data-label': 'Provider' }, providerText(u)),
    h('td', { 'data-label': 'Default numbers' }, ...(numbers.length ? numbers.flatMap((n, i) => (i ? [h('br'), n] : [n])) : ['–'])),
    h('td', { 'data-label': 'Last change' }, lastChange(u)),
  );
}

async function bulkReset(ctx: Ctx, view: HTMLElement, selected: Set<string>, button: HTMLButtonElement): Promise<void> {
  const ids = [...selected];
  const ok = await confirmAction({
    title: `Reset the conference IDs of ${ids.length} users?`,
    message: 'Their current IDs stop working at once: callers who enter them are refused. New IDs are issued in the background; follow the job on the Jobs page.',
    confirmLabel: 'Reset IDs',
    email: { label: 'Email each user their new ID', checked: ctx.tenant.sendEmailByDefault },
    danger: true,
  });
  if (!ok) return;
  const result = ref(view, 'bulk-result');
  let total = 0;
  const started = await act(button, result, async () => {
    total = (await api.bulkReset(ctx.tenant.id, ids, ok.sendEmail)).total;
    return '';
  });
  if (started) result.replaceChildren(`A job resets ${total} conference IDs. `, h('a', { href: href(ctx.tenant.id, 'jobs') }, 'Follow it on the Jobs page'));
}
