// One caller, as Twilio plays the call: POST /voice/incoming for the dial-in number, then the ID
// and '#' at the <Gather> it answers (Twilio posts Digits without the '#'), and sometimes '#'
// at the organizer step (which looks the ID up again). Each webhook may land on either
// instance, as behind a load balancer, unless the caller is pinned to one (final checks).
import { PUBLIC_BASE_URL, type Instance } from './cluster.js';
import { webhook, type CallParams, type RunContext } from './clients.js';
import type { Answer } from './history.js';
import type { Prng } from './prng.js';

export interface CallPlan {
  number: string;
  conferenceId: string;
  /** Why this ID was chosen (recorded for reading the history). */
  target: string;
  /** Every webhook to this instance; otherwise each goes to a random live one. */
  pinned?: Instance;
  /** Press '#' at the organizer step, which re-checks the ID (another admission decision). */
  continueAtLeaderStep?: boolean;
}

/** A fresh North American caller number: many numbers, so no per-number limit comes into play. */
export const callerNumber = (prng: Prng) => `+1${prng.int(201, 989)}555${String(prng.int(0, 9999)).padStart(4, '0')}`;

/** Places the call; returns the answer to the ID entry (or why it never got that far). */
export async function placeCall(ctx: RunContext, prng: Prng, plan: CallPlan): Promise<Answer | 'no-prompt' | 'failed'> {
  const call: CallParams = { callSid: 'CA' + prng.hex(16), from: callerNumber(prng), to: plan.number, accountSid: 'AC' + '0'.repeat(32) };
  // Each webhook goes to an instance of its own choosing; `unrouted` when none was live.
  const at = () => (plan.pinned ? { instance: plan.pinned, routed: true } : ctx.deployment.route(prng));
  const send = (step: 'incoming' | 'entry' | 'leader', url: string, extra: Record<string, string>, note: { conferenceId?: string; target?: string }) => {
    const { instance, routed } = at();
    return webhook(ctx, instance, step, url, call, extra, routed ? note : { ...note, unrouted: true });
  };
  const note = { conferenceId: plan.conferenceId, target: plan.target };

  const incoming = await send('incoming', `${PUBLIC_BASE_URL}/voice/incoming`, {}, { target: plan.target });
  if (!incoming.read) return 'failed';
  if (incoming.read.answer !== 'prompt' || !incoming.read.gatherAction) return 'no-prompt';

  const entry = await send('entry', incoming.read.gatherAction, { Digits: plan.conferenceId, FinishedOnKey: '#' }, note);
  if (!entry.read) return 'failed';
  const action = entry.read.gatherAction;
  if (entry.read.answer === 'admitted' && plan.continueAtLeaderStep && action && new URL(action).pathname.endsWith('/voice/leader')) {
    await send('leader', action, { Digits: '', FinishedOnKey: '#' }, note);
  }
  return entry.read.answer;
}
