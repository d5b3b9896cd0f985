// Meeting destinations and Jitsi integrations: where a valid conference ID leads (the tenant's
// own destination, and for platform keys the bridge's), and the Jitsi deployments whose web
// client asks this service for conference IDs (their config.js URLs, their rooms' IDs to reset).
import type { Ctx } from '../context.js';
import { fromTemplate, ref } from '../dom.js';
import { renderDestination } from './destination.js';
import { renderJitsi } from './jitsi.js';

export async function renderMeetings(ctx: Ctx, view: HTMLElement): Promise<void> {
  view.append(fromTemplate('meetings'));
  ref(view, 'read-only').hidden = ctx.canWrite;
  const destinations = ref(view, 'destinations');
  const work: Promise<void>[] = [];
  if (ctx.caps.destinations) {
    work.push(renderDestination(ctx, { kind: 'tenant', id: ctx.tenant.id, canWrite: ctx.canWrite }, destinations));
  }
  if (ctx.caps.jitsi) work.push(renderJitsi(ctx, view));
  await Promise.all(work);
  // the bridge's after the tenant's: the tenant's own wins, so it is the first an admin reads
  if (ctx.caps.destinations && ctx.isPlatform && !ctx.signal.aborted) {
    await renderDestination(ctx, { kind: 'bridge', id: ctx.tenant.bridgeId, canWrite: ctx.canWrite }, destinations);
  }
}
