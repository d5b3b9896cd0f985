// Audit events as table rows (the audit page and a user's page): when, who, what (and to
// whom), before, after.
import { api, type AuditQuery } from '../api.js';
import { actionLabel, beforeAndAfter } from '../audit-text.js';
import type { Ctx } from '../context.js';
import { dateTime, h } from '../dom.js';
import { href } from '../routes.js';
import type { AuditEvent, Page } from '../types.js';

/** A page of events, filtered by the server; by the console on a server without the filters. */
export async function auditPage(ctx: Ctx, q: AuditQuery): Promise<Page<AuditEvent>> {
  if (ctx.caps.auditFilters || (!q.targetId && !q.action)) return api.audit(ctx.tenant.id, q);
  const page = await api.audit(ctx.tenant.id, { cursor: q.cursor, limit: 500 });
  const items = page.items.filter((e) => (!q.targetId || e.target.id === q.targetId) && (!q.action || e.action === q.action));
  return { items, nextCursor: page.nextCursor };
}

export interface RowOptions {
  /** Add to the rows already shown (older events). */
  append?: boolean;
  /** Name the user each event is about (not on that user's own page). */
  withTarget?: boolean;
}

export function showAuditRows(ctx: Ctx, tbody: HTMLElement, events: AuditEvent[], empty: string, { append = false, withTarget = true }: RowOptions = {}): void {
  const rows = events.map((e) => auditRow(ctx, e, withTarget));
  if (append) tbody.append(...rows);
  else tbody.replaceChildren(...rows);
  if (!tbody.children.length) tbody.append(h('tr', {}, h('td', { colspan: 5, class: 'empty' }, empty)));
}

function auditRow(ctx: Ctx, e: AuditEvent, withTarget: boolean): HTMLTableRowElement {
  const { before, after } = beforeAndAfter(e);
  return h('tr', { 'data-action': e.action },
    h('td', { 'data-label': 'When' }, dateTime(e.at)),
    h('td', { 'data-label': 'Who' }, e.actor.name),
    h('td', { 'data-label': 'What' }, actionLabel(e.action), ...(withTarget ? target(ctx, e) : [])),
    h('td', { 'data-label': 'Before' }, before),
    h('td', { 'data-label': 'After' }, after),
  );
}

function target(ctx: Ctx, e: AuditEvent): (Node | string)[] {
  if (e.target.type !== 'user') return [];
  const name = ctx.names.get(e.target.id) ?? `user ${e.target.id.slice(0, 8)}…`;
  return [': ', h('a', { href: href(ctx.tenant.id, 'users', e.target.id) }, name)];
}
