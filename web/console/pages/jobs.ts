// Background jobs with live progress: the tenant's recent jobs (and bridge-wide ones started in
// this tab), each unfinished one polled with GET /jobs/{id} until it ends or the page is left.
import { api } from '../api.js';
import type { Ctx } from '../context.js';
import { dateTime, fromTemplate, h, ref } from '../dom.js';
import { inWords } from '../errors.js';
import { say } from '../feedback.js';
import { finished, jobKindText, jobProgressText } from '../present.js';
import type { Job } from '../types.js';

const POLL_MS = 1000;

/** Jobs this tab started that the tenant's list does not show (bridge-wide default-number moves). */
const startedHere = new Set<string>();
export const trackJob = (id: string) => startedHere.add(id);

export async function renderJobs(ctx: Ctx, view: HTMLElement): Promise<void> {
  view.append(fromTemplate('jobs'));
  const rows = ref(view, 'rows');
  const status = ref(view, 'status');
  const listed = (await api.jobs(ctx.tenant.id)).items;
  const extra = await Promise.all([...startedHere].filter((id) => !listed.some((j) => j.id === id)).map((id) => api.job(id)));
  const jobs = [...extra, ...listed].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (ctx.signal.aborted) return;
  rows.replaceChildren(...jobs.map(jobRow));
  say(status, jobs.length ? '' : 'No jobs yet: bulk resets started on the Users page appear here.');
  for (const job of jobs) if (!finished(job)) void follow(ctx, rows, job.id, status);
}

/** Polls one job, updating its row, until it finishes or the page is left. */
async function follow(ctx: Ctx, rows: HTMLElement, id: string, status: HTMLElement): Promise<void> {
  while (!ctx.signal.aborted) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (ctx.signal.aborted) return;
    let job: Job;
    try {
      job = await api.job(id);
    } catch (err) {
      if (!ctx.signal.aborted) say(status, `Progress of a job could not be read: ${inWords(err)}`, 'error');
      return;
    }
    rows.querySelector(`tr[data-job="${id}"]`)?.replaceWith(jobRow(job));
    if (finished(job)) return;
  }
}

function jobRow(j: Job): HTMLTableRowElement {
  const done = j.succeeded + j.failed;
  const progress = h('progress', { max: Math.max(j.total, 1), value: j.total ? done : finished(j) ? 1 : 0, 'aria-label': `Progress of ${jobKindText(j.kind)}` });
  const errors = j.errors.length
    ? h('details', {}, h('summary', {}, `${j.errors.length} ${j.errors.length === 1 ? 'error' : 'errors'}`),
      h('ul', {}, ...j.errors.map((e) => h('li', {}, e.unitId ? `${e.unitId}: ${e.message}` : e.message))))
    : null;
  return h('tr', { 'data-job': j.id, 'data-status': j.status },
    h('td', { 'data-label': 'Started' }, dateTime(j.startedAt ?? j.createdAt)),
    h('td', { 'data-label': 'Job' }, jobKindText(j.kind), h('br'), h('span', { class: 'hint mono' }, j.id)),
    h('td', { 'data-label': 'Status' }, h('span', { class: `badge ${j.status}` }, j.status)),
    h('td', { 'data-label': 'Progress' }, progress, ' ', h('span', { 'data-ref': 'progress-text' }, jobProgressText(j)), errors),
    h('td', { 'data-label': 'Finished' }, dateTime(j.finishedAt)),
  );
}
