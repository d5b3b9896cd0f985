// Blocked callers (platform keys, when the server has GET and DELETE /caller-blocks/{number}):
// look a calling number up, see its block in words, and lift it after a confirmation.
import { api, ApiError } from '../api.js';
import type { Ctx } from '../context.js';
import { confirmAction } from '../dialog.js';
import { dateTime, h, onSubmit, ref } from '../dom.js';
import { act, say } from '../feedback.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** "blockedUntil" → "Blocked until". */
const words = (key: string) => {
  const text = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** A value of the API's answer in words: times in local time, lists one a line. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return ISO_TIME.test(v) ? dateTime(v) : v;
  if (typeof v === 'number') return v.toLocaleString('en-US');
  if (Array.isArray(v)) return v.length ? v.map(valueText).join('\n') : 'none';
  return Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined)
    .map(([k, x]) => `${words(k).toLowerCase()} ${valueText(x)}`).join(', ');
}

/** Whether the answer says the number is blocked now (unknown shapes count as blocked: lifting is harmless). */
export function isBlocked(block: Record<string, unknown>): boolean {
  if (typeof block.blocked === 'boolean') return block.blocked;
  for (const list of ['blocks', 'bridges', 'items']) {
    const v = block[list];
    if (Array.isArray(v)) return v.some((b) => typeof b !== 'object' || b === null || (b as { blocked?: unknown }).blocked !== false);
  }
  return true;
}

/** One bridge's count for the number, as GET /caller-blocks/{number} gives it. */
export interface BridgeCount { bridgeId: string; failures: number; limit: number; blocked: boolean; blockedUntil: string | null }

const isBridgeCount = (v: unknown): v is BridgeCount =>
  typeof v === 'object' && v !== null && typeof (v as BridgeCount).bridgeId === 'string' && typeof (v as BridgeCount).blocked === 'boolean';

/** A bridge's count in words. */
export const bridgeCountText = (b: BridgeCount) =>
  `${b.blocked ? `blocked${b.blockedUntil ? ` until ${dateTime(b.blockedUntil)}` : ''}` : 'not blocked'}; ${b.failures} failed ${b.failures === 1 ? 'entry' : 'entries'} (limit ${b.limit})`;

/** The facts to show: per bridge (named where the key can read it) when the answer has them, else every field. */
async function factsOf(block: Record<string, unknown>, ownBridge: string): Promise<[string, string][]> {
  const bridges = block.bridges;
  if (!Array.isArray(bridges) || !bridges.every(isBridgeCount)) {
    return Object.entries(block).filter(([k]) => k !== 'number' && k !== 'caller').map(([k, v]) => [words(k), valueText(v)]);
  }
  if (!bridges.length) return [['Failed entries', 'none in the current window']];
  const named = await Promise.all(bridges.map(async (b) => {
    const name = await api.bridge(b.bridgeId).then((x) => x.name, () => `bridge ${b.bridgeId.slice(0, 8)}…`);
    return [`${name}${b.bridgeId === ownBridge ? ' (this tenant\'s bridge)' : ''}`, bridgeCountText(b)] as [string, string];
  }));
  return named;
}

export function wireCallerBlocks(ctx: Ctx, view: HTMLElement): void {
  const r = <E extends HTMLElement = HTMLElement>(name: string) => ref<E>(view, name);
  const form = r<HTMLFormElement>('block-form');
  form.hidden = false;
  let number = '';

  const showBlock = async (block: Record<string, unknown> | null) => {
    const facts = r('block-facts');
    const shown = block ? await factsOf(block, ctx.tenant.bridgeId) : [];
    facts.hidden = block === null;
    facts.replaceChildren(...shown.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    const blocked = block !== null && isBlocked(block);
    r('lift-row').hidden = !blocked;
    r<HTMLButtonElement>('lift').disabled = !ctx.canWrite;
    say(r('lift-result'), '');
    return blocked;
  };

  onSubmit(form, async (button) => {
    number = r<HTMLInputElement>('block-number').value.trim();
    await showBlock(null);
    await act(button, r('block-result'), async () => {
      try {
        const block = await api.callerBlock(number);
        return (await showBlock(block)) ? `${number} is blocked.` : `${number} is not blocked.`;
      } catch (err) {
        if (err instanceof ApiError && err.status === 404 && err.code === 'not_found') return `${number} is not blocked.`;
        throw err;
      }
    });
  });

  r('lift').addEventListener('click', async () => {
    const ok = await confirmAction({
      title: `Lift the block of ${number}?`,
      message: `Calls from ${number} are answered again at once. The change is recorded in the audit log.`,
      confirmLabel: 'Lift the block',
      danger: true,
    });
    if (!ok) return;
    const lifted = await act(r('lift'), r('lift-result'), async () => {
      await api.liftCallerBlock(number);
      return `The block of ${number} is lifted: its calls are answered again.`;
    });
    if (lifted) {
      r('block-facts').hidden = true;
      say(r('block-result'), `${number} is not blocked.`, 'ok');
      r<HTMLButtonElement>('lift').disabled = true;
    }
  });
}
