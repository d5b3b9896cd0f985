// The two kinds of request the harness makes, each recorded in the history with its invoke and
// completion time: admin API calls (as an admin's script would make them) and Twilio webhooks
// (signed for the public URL exactly as Twilio signs them, then delivered to one instance).
import { sign } from '../../src/simulator/twilio.js';
import { PUBLIC_BASE_URL, type Deployment, type Instance } from './cluster.js';
import { nowMs, type AdminAction, type AdminOp, type History, type Outcome, type Phase, type WebhookOp, type WebhookStep } from './history.js';
import type { Prng } from './prng.js';
import { readAnswer, type ReadAnswer } from './twiml-answer.js';

/** Twilio gives up on a webhook after 15 s; the harness waits a little longer to see what came. */
const WEBHOOK_TIMEOUT_MS = 20_000;
/** The service answers 503 after ADMIN_REQUEST_TIMEOUT_MS (15 s); past this, no answer is coming. */
const ADMIN_TIMEOUT_MS = 25_000;

export interface RunContext {
  deployment: Deployment;
  history: History;
  phase: Phase;
}

function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 503) return 'unavailable';
  if (status >= 400 && status < 500) return 'refused';
  return 'error';
}

const isTimeout = (err: unknown) => err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');

/**
 * One admin request to `instance` (default: a random live one). Never throws: the outcome is in
 * the returned op. `input` is recorded as is (what the harness knew when it asked).
 */
export async function admin(
  ctx: RunContext, prng: Prng, action: AdminAction, method: string, path: string,
  body?: unknown, input: Record<string, unknown> = {}, instance?: Instance,
): Promise<AdminOp> {
  const { instance: target, routed } = instance ? { instance, routed: true } : ctx.deployment.route(prng);
  const invokeMs = nowMs();
  const base = {
    type: 'admin' as const, action, phase: ctx.phase, instance: target.name, invokeMs, method, path,
    input: body === undefined ? input : { ...input, body }, ...(routed ? {} : { unrouted: true }),
  };
  try {
    const res = await fetch(`${target.base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ctx.deployment.adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(ADMIN_TIMEOUT_MS),
    });
    const text = await res.text();
    const completeMs = nowMs();
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    const outcome = outcomeOf(res.status);
    return ctx.history.add({
      ...base, completeMs, outcome, status: res.status,
      ...(outcome === 'ok' ? { result: json } : { code: json?.code ?? undefined, error: json?.detail ?? text.slice(0, 200) }),
    });
  } catch (err) {
    return ctx.history.add({ ...base, completeMs: nowMs(), outcome: isTimeout(err) ? 'timeout' : 'error', error: errorText(err) });
  }
}

function errorText(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return [e.message, e.cause?.code ?? e.cause?.message].filter(Boolean).join(': ');
}

export interface CallParams {
  callSid: string;
  from: string;
  to: string;
  accountSid: string;
}

/** The form Twilio posts on every webhook of a call. */
export function twilioForm(call: CallParams, extra: Record<string, string>, status: 'ringing' | 'in-progress'): Record<string, string> {
  return {
    AccountSid: call.accountSid, ApiVersion: '2010-04-01', CallSid: call.callSid, CallStatus: status, Called: call.to, Caller: call.from,
    Direction: 'inbound', From: call.from, To: call.to, FromCountry: 'US', ToCountry: 'US', ...extra,
  };
}

/**
 * Posts one webhook of a call to `publicUrl` (as Twilio would), delivered to `instance`, and
 * reads the answer. Never throws.
 */
export async function webhook(
  ctx: RunContext, instance: Instance, step: WebhookStep, publicUrl: string, call: CallParams, extra: Record<string, string>,
  note: { conferenceId?: string; target?: string; unrouted?: boolean } = {},
): Promise<{ op: WebhookOp; read: ReadAnswer | null }> {
  const form = twilioForm(call, extra, step === 'incoming' ? 'ringing' : 'in-progress');
  if (!publicUrl.startsWith(PUBLIC_BASE_URL + '/')) throw new Error(`TwiML points outside PUBLIC_BASE_URL: ${publicUrl}`);
  const url = instance.base + publicUrl.slice(PUBLIC_BASE_URL.length);
  const invokeMs = nowMs();
  const base = { type: 'webhook' as const, step, phase: ctx.phase, instance: instance.name, invokeMs, callSid: call.callSid, from: call.from, ...note };
  try {
    const res = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-twilio-signature': sign(ctx.deployment.authToken, publicUrl, form),
        'user-agent': 'TwilioProxy/1.1',
      },
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    const body = await res.text();
    const completeMs = nowMs();
    const contentType = res.headers.get('content-type') ?? '';
    const read = res.status === 200 && /xml/.test(contentType) ? readAnswer(body) : null;
    const op = ctx.history.add({
      ...base, completeMs, outcome: outcomeOf(res.status), status: res.status, contentType,
      ...(read ? { answer: read.answer, heard: read.heard } : { error: body.slice(0, 200) }),
    });
    return { op, read };
  } catch (err) {
    const op = ctx.history.add({ ...base, completeMs: nowMs(), outcome: isTimeout(err) ? 'timeout' : 'error', error: errorText(err) });
    return { op, read: null };
  }
}
