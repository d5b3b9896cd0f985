// The tenant's audit log, newest first, in words (who, what, before, after), filtered by user
// and action; the filters live in the URL (#/t/<tenant>/audit?user=<id>&action=<action>).
import { api } from '../api.js';
import { KNOWN_ACTIONS } from '../audit-text.js';
import type { Ctx } from '../context.js';
import { fromTemplate, h, onSubmit, ref } from '../dom.js';
import { inWords } from '../errors.js';
import { act, say } from '../feedback.js';
import { href } from '../routes.js';
import { auditPage, showAuditRows } from './audit-rows.js';

const PAGE_SIZE = 50;

export async function renderAudit(ctx: Ctx, view: HTMLElement, route: { params: URLSearchParams }): Promise<void> {
  view.append(fromTemplate('audit'));
  const userId = route.params.get('user') ?? '';
  const action = route.params.get('action') ?? '';
  const userField = ref<HTMLInputElement>(view, 'user');
  const actionField = ref<HTMLSelectElement>(view, 'action');
  const note = ref(view, 'filter-note');
  const rows = ref(view, 'rows');
  const more = ref<HTMLButtonElement>(view, 'more');
  const status = ref(view, 'status');

  for (const [value, label] of KNOWN_ACTIONS) actionField.append(h('option', { value }, label));
  if (action && !KNOWN_ACTIONS.some(([a]) => a === action)) actionField.append(h('option', { value: action }, action));
  actionField.value = action;
  const filters = [userId && `of ${ctx.names.get(userId) ?? `user ${userId.slice(0, 8)}…`}`, action && `“${actionField.selectedOptions[0]?.textContent}”`].filter(Boolean);
  say(note, filters.length ? `Showing only events ${filters.join(' and ')}.` : '');

  const go = (user: string, act: string) => { location.hash = href(ctx.tenant.id, 'audit', undefined, { user, action: act }); };
  onSubmit(ref<HTMLFormElement>(view, 'filters'), async () => {
    const email = userField.value.trim();
    if (!email) return go(userId, actionField.value);
    try {
      const found = (await api.users(ctx.tenant.id, { email, limit: 1 })).items[0];
      if (!found) return say(note, `No enabled user has the address ${email}.`, 'error');
      ctx.names.set(found.id, found.displayName);
      go(found.id, actionField.value);
    } catch (err) {
      say(note, inWords(err), 'error');
    }
  });
  actionField.addEventListener('change', () => go(userId, actionField.value));
  ref(view, 'clear').addEventListener('click', () => go('', ''));

  let cursor: string | undefined;
  const load = async (append: boolean) => {
    const page = await auditPage(ctx, { targetId: userId || undefined, action: action || undefined, cursor, limit: PAGE_SIZE });
    cursor = page.nextCursor ?? undefined;
    showAuditRows(ctx, rows, page.items, 'No events match.', { append });
    more.hidden = page.nextCursor === null;
  };
  more.addEventListener('click', () => void act(more, status, async () => {
    await load(true);
    return '';
  }));
  await load(false);
}
