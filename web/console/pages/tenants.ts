// The tenant picker of platform keys: the tenants listed and searched by name when the server
// offers GET /tenants, and always a field to open a tenant by its ID.
import { api } from '../api.js';
import type { Capabilities } from '../capabilities.js';
import { dateTime, debounce, fromTemplate, h, onSubmit, ref } from '../dom.js';
import { inWords } from '../errors.js';
import { say } from '../feedback.js';
import { Pager } from '../pager.js';
import { href } from '../routes.js';
import type { Tenant } from '../types.js';

const PAGE_SIZE = 25;

export async function renderTenants(caps: Capabilities, view: HTMLElement, signal: AbortSignal): Promise<void> {
  view.append(fromTemplate('tenants'));
  const search = ref<HTMLInputElement>(view, 'search');
  const rows = ref(view, 'rows');
  const status = ref(view, 'status');

  onSubmit(ref<HTMLFormElement>(view, 'by-id'), () => {
    location.hash = href(ref<HTMLInputElement>(view, 'tenant-id').value.trim().toLowerCase(), 'users');
  });

  if (!caps.tenantList) {
    for (const name of ['list-tools', 'table', 'pager']) ref(view, name).hidden = true;
    ref(view, 'by-id-hint').textContent = 'This server does not list tenants yet: open one by its ID (the answer to POST /api/v1/tenants gave it).';
    return;
  }
  ref(view, 'list-tools').hidden = !caps.tenantSearch;

  const showRows = (items: Tenant[]) => {
    rows.replaceChildren(...items.map((t) => h('tr', {},
      h('td', { 'data-label': 'Name' }, h('a', { href: href(t.id, 'users') }, t.name)),
      h('td', { 'data-label': 'Conference ID mode' }, t.conferenceIdMode === 'static' ? 'static' : 'dynamic'),
      h('td', { 'data-label': 'Created' }, dateTime(t.createdAt)),
    )));
    say(status, items.length ? '' : search.value.trim() ? 'No tenant has that name.' : 'There are no tenants yet.');
  };
  const pager = new Pager<Tenant>(
    { prev: ref(view, 'prev'), next: ref(view, 'next'), label: ref(view, 'page-no') },
    (cursor) => api.tenants({ q: caps.tenantSearch ? search.value.trim() : undefined, cursor, limit: PAGE_SIZE }),
    showRows,
    (err) => say(status, inWords(err), 'error'),
  );
  const research = debounce(() => { if (!signal.aborted) void pager.first(); }, 250);
  search.addEventListener('input', research);
  await pager.first();
}
