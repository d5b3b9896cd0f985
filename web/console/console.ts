// The admin console: sign in with an API key, choose a tenant (platform keys) or work in the
// key's own, and move between the pages in the navigation. Everything goes through the admin
// API; nothing is rendered as HTML (text only), and the page's Content-Security-Policy allows
// this origin's scripts alone. Each page is a module of pages/.
import { api, ApiError, whenUnauthorized } from './api.js';
import { loadCapabilities, type Capabilities } from './capabilities.js';
import type { Ctx, PageRender } from './context.js';
import { wireConfirmDialog } from './dialog.js';
import { byId, onSubmit } from './dom.js';
import { inWords } from './errors.js';
import { say } from './feedback.js';
import { renderAudit } from './pages/audit.js';
import { renderJobs } from './pages/jobs.js';
import { renderMeetings } from './pages/meetings.js';
import { renderNumbers } from './pages/numbers.js';
import { renderSettings } from './pages/settings.js';
import { renderTenants } from './pages/tenants.js';
import { renderUser } from './pages/user.js';
import { renderUsers } from './pages/users.js';
import { href, parseRoute, type PageName } from './routes.js';
import { session } from './session.js';
import type { Me, Tenant } from './types.js';

const PAGES: Record<PageName, PageRender> = {
  users: renderUsers, user: renderUser, settings: renderSettings, meetings: renderMeetings, numbers: renderNumbers, jobs: renderJobs, audit: renderAudit,
};

const capabilities: Promise<Capabilities> = loadCapabilities();
let me: Me | null = null;
let tenant: Tenant | null = null;
let leave: AbortController | null = null;
const names = new Map<string, string>();

// ---- signing in and out -----------------------------------------------------------------------

async function signIn(key: string): Promise<void> {
  try {
    me = await api.me(key);
  } catch (err) {
    say(byId('sign-in-error'), err instanceof ApiError && err.status === 401 ? 'That key is not accepted.' : inWords(err), 'error');
    session.clear();
    return;
  }
  session.set(key);
  byId<HTMLInputElement>('api-key').value = '';
  say(byId('sign-in-error'), '');
  byId('sign-in').hidden = true;
  byId('sign-out').hidden = false;
  byId('who').textContent = `${me.name} · ${me.tenantId ? 'tenant key' : 'platform key'}${me.readOnly ? ', read-only' : ''}`;
  await show(); // an unknown route is replaced by the key's start page (the hashchange shows it)
}

function signOut(message = ''): void {
  session.clear();
  leave?.abort();
  me = tenant = null;
  names.clear();
  for (const id of ['view', 'nav', 'tenant-bar', 'sign-out']) byId(id).hidden = true;
  byId('view').replaceChildren();
  byId('who').textContent = '';
  byId('sign-in').hidden = false;
  say(byId('sign-in-error'), message, 'error');
  byId<HTMLInputElement>('api-key').focus();
}

// ---- pages ----------------------------------------------------------------------------------------

/** Shows the page the URL names, within the tenant it names (a tenant key: its own only). */
async function show(): Promise<void> {
  if (!me) return;
  leave?.abort();
  leave = new AbortController();
  const signal = leave.signal;
  const view = byId('view');
  view.hidden = false;
  view.replaceChildren();
  const route = parseRoute(location.hash);
  const caps = await capabilities;
  byId('nav').querySelector<HTMLElement>('a[data-section=meetings]')!.hidden = !caps.destinations && !caps.jitsi;
  if (!route || (route.page === 'tenants' && me.tenantId)) {
    location.replace(me.tenantId ? href(me.tenantId, 'users') : '#/tenants');
    return;
  }
  if (route.page === 'tenants') {
    tenant = null;
    showTenant(null);
    await renderTenants(caps, view, signal);
    focusHeading(view);
    return;
  }
  if (me.tenantId && route.tenantId !== me.tenantId) {
    location.replace(href(me.tenantId, route.page === 'user' ? 'users' : route.page));
    return;
  }
  try {
    if (tenant?.id !== route.tenantId) tenant = await api.tenant(route.tenantId);
  } catch (err) {
    tenant = null;
    showTenant(null);
    const p = document.createElement('p');
    say(p, `This tenant cannot be opened. ${inWords(err)}`, 'error');
    const back = document.createElement('a');
    back.href = '#/tenants';
    back.textContent = 'Choose another tenant';
    view.replaceChildren(p, back);
    return;
  }
  if (signal.aborted) return;
  showTenant(tenant);
  const ctx: Ctx = {
    me, caps, tenant, canWrite: !me.readOnly, isPlatform: me.tenantId === null, signal, names,
    setTenant: (t) => { tenant = ctx.tenant = t; showTenant(t); },
  };
  try {
    await PAGES[route.page](ctx, view, route);
  } catch (err) {
    if (signal.aborted) return;
    const p = document.createElement('p');
    say(p, inWords(err), 'error');
    view.append(p);
  }
  if (!signal.aborted) focusHeading(view);
}

function showTenant(t: Tenant | null): void {
  const nav = byId('nav');
  nav.hidden = t === null;
  byId('tenant-bar').hidden = t === null;
  byId('change-tenant').hidden = me?.tenantId !== null;
  if (!t) return;
  byId('tenant-name').textContent = t.name;
  const section = parseRoute(location.hash);
  const current = section && section.page !== 'tenants' ? (section.page === 'user' ? 'users' : section.page) : '';
  for (const a of nav.querySelectorAll<HTMLAnchorElement>('a[data-section]')) {
    const s = a.dataset.section as Exclude<PageName, 'user'>;
    a.href = href(t.id, s);
    if (s === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

/** A new page takes the keyboard focus to its heading, so the next Tab starts in its content. */
function focusHeading(view: HTMLElement): void {
  view.querySelector<HTMLElement>('h1')?.focus();
}

// ---- start ----------------------------------------------------------------------------------------

wireConfirmDialog();
whenUnauthorized(() => signOut('Your key is no longer accepted: sign in again.'));
onSubmit(byId<HTMLFormElement>('sign-in-form'), () => signIn(byId<HTMLInputElement>('api-key').value.trim()));
byId('sign-out').addEventListener('click', () => signOut());
window.addEventListener('hashchange', () => void show());

const saved = session.key;
if (saved) void signIn(saved);
else byId<HTMLInputElement>('api-key').focus();
