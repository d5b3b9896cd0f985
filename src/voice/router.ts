// Every /voice/* request: body (≤ 64 KiB), Twilio signature against PUBLIC_BASE_URL + path +
// query, then the step. Written against node's http types rather than express middleware: this
// is the hot path, and bench/voice.ts measured the middleware stack as its largest cost. Any
// failure inside a step answers 200 with a spoken apology and <Hangup/>, never a 5xx, because
// Twilio would play its "application error" to the caller.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Router } from 'express';
import { refToUuid } from '../lib/refs.js';
import { AppError } from '../errors.js';
import { problemDocument } from '../http/problem.js';
import { SECURITY_HEADERS } from '../http/security-headers.js';
import { requestMs, type Logger, type RequestLogLine } from '../logging.js';
import type { Services } from '../services.js';
import { createVoiceContext, field, type VoiceContext, type VoiceRequest } from './context.js';
import { apology } from './flow.js';
import { BodyTooLarge, parseForm, readBody } from './form.js';
import { checkSignature, unsignedRefusals, type SignatureSettings } from './signature.js';
import { decodeState, type CallState } from './state.js';
import { conferenceEvent, callStatus, fallback } from './steps/events.js';
import { dialEnded } from './steps/dial-ended.js';
import { entry } from './steps/entry.js';
import { incoming } from './steps/incoming.js';
import { leader, pin } from './steps/leader.js';
import { response } from './twiml.js';
import { VOICE_PATHS } from './urls.js';

/**
 * A step of the call (its state read from the query: a <Gather> action) or a callback (given the
 * raw query). A retried webhook is recognised only by the steps that count something (an ID
 * entry, a PIN: attempts.ts); every other step answers a retry the same way by itself.
 */
type Step =
  | { call: (ctx: VoiceContext, req: VoiceRequest, st: CallState) => Promise<string> }
  | { callback: (ctx: VoiceContext, req: VoiceRequest, query: string) => Promise<string> | string };

const STEPS: Record<string, Step> = {
  [VOICE_PATHS.incoming]: { callback: (ctx, req) => incoming(ctx, req) },
  [VOICE_PATHS.entry]: { call: entry },
  [VOICE_PATHS.leader]: { call: leader },
  [VOICE_PATHS.pin]: { call: pin },
  [VOICE_PATHS.dialEnded]: { call: dialEnded },
  [VOICE_PATHS.conferenceEvents]: { callback: (ctx, req, query) => conferenceEvent(ctx, req, refToUuid(new URLSearchParams(query).get('b') ?? '')) },
  [VOICE_PATHS.status]: { callback: (ctx, req) => callStatus(ctx, req) },
  [VOICE_PATHS.fallback]: { callback: (ctx, req) => fallback(ctx, req) },
};

export type VoiceHandler = (req: IncomingMessage, res: ServerResponse, pathAndQuery: string) => Promise<void>;

type Reply = ({ twiml: string } | { problem: AppError }) & { callSid?: string };

/**
 * Call statuses of a call that is over: Twilio still posts a <Gather> action when the caller
 * hangs up during it. Such an action is not an entry: nothing is counted, nothing is said.
 */
const CALL_OVER = new Set(['completed', 'canceled', 'failed', 'busy', 'no-answer']);
const NOTHING = response();

/** The /voice/* handler; `pathAndQuery` is the URL as received, e.g. "/voice/entry?b=...". */
export function voiceHandler(ctx: VoiceContext): VoiceHandler {
  const signatures: SignatureSettings = { authToken: ctx.s.config.twilio.authToken, ...ctx.s.config.twilio.announcedSignatures };
  const timings = { ok: ctx.s.metrics.httpDuration.labels('voice', '2xx'), refused: ctx.s.metrics.httpDuration.labels('voice', '4xx') };
  const refuseUnsigned = unsignedRefusals(ctx.s.config, ctx.log);

  async function decide(req: IncomingMessage, pathAndQuery: string, path: string): Promise<Reply> {
    const query = pathAndQuery.slice(path.length + 1);
    if (req.method !== 'POST' && req.method !== 'GET') {
      return { problem: new AppError('method_not_allowed', 'voice webhooks are POST (or GET) requests', undefined, { allow: 'POST, GET' }) };
    }
    let params;
    try {
      params = parseForm(req.method === 'POST' ? await readBody(req) : query);
    } catch (err) {
      if (err instanceof BodyTooLarge) return { problem: new AppError('payload_too_large', 'voice webhook bodies are limited to 64 KiB') };
      ctx.log.debug({ err: (err as Error).message, path }, 'voice webhook body unreadable');
      return { problem: new AppError('bad_request', 'the request body could not be read') };
    }
    const callSid = field(params, 'CallSid');
    const signed = req.method === 'POST' ? params : {};
    const signature = header(req, 'x-twilio-signature');
    if (!checkSignature(signatures, signature, header(req, signatures.settingsHeader), ctx.urls.requested(pathAndQuery), signed)) {
      return { problem: refuseUnsigned(req, path, callSid, field(params, 'From')), callSid };
    }

    const step = STEPS[path];
    if (step && 'call' in step && CALL_OVER.has(field(params, 'CallStatus'))) {
      ctx.log.debug({ callSid, path }, 'action of a call that is over: nothing counted');
      return { twiml: NOTHING, callSid };
    }

    let state: CallState | null = null;
    try {
      if (!step) throw new Error(`no voice step at ${path}`);
      const request: VoiceRequest = { params, callSid, pathAndQuery, from: field(params, 'From'), to: field(params, 'To') };
      let twiml: string;
      if ('callback' in step) twiml = await step.callback(ctx, request, query);
      else {
        state = decodeState(query);
        twiml = await step.call(ctx, request, state);
      }
      return { twiml, callSid };
    } catch (err) {
      ctx.log.error({ err, callSid, path }, 'voice step failed; the caller hears an apology');
      return { twiml: apology(ctx, state?.language), callSid };
    }
  }

  // The one line per webhook has four flat fields of its own making (below), none of which a
  // redaction path (`*.pin`, `*.Digits`...) can match; skipping the redaction walk on it saves
  // about 40% of the line's cost (measured with pino to /dev/null). Every other voice log line,
  // errors included, keeps the redaction.
  const webhookLog = ctx.log.child({}, { redact: { paths: [] } });
  // Per-route timers, made once: label values come from the fixed set of steps.
  const byRoute = new Map(Object.keys(STEPS).map((p) => [p, { ok: ctx.s.metrics.webhookDuration.labels(p, '200'), refused: ctx.s.metrics.webhookDuration.labels(p, '4xx') }]));

  return async (req, res, pathAndQuery) => {
    const started = performance.now();
    const path = pathAndQuery.split('?', 1)[0]!;
    const reply = await decide(req, pathAndQuery, path);
    if ('twiml' in reply) twiml(res, reply.twiml);
    else problem(res, reply.problem);
    const seconds = (performance.now() - started) / 1000;
    const ok = 'twiml' in reply;
    // One line per webhook: the CallSid ties a call's steps together (never Digits, the
    // caller's number or the query string, which carries call state).
    const line: RequestLogLine = { callSid: reply.callSid || undefined, method: req.method ?? 'POST', path, status: ok ? 200 : reply.problem.status, ms: requestMs(seconds * 1000) };
    webhookLog.info(line, 'voice webhook');
    (ok ? timings.ok : timings.refused).observe(seconds);
    const route = byRoute.get(path);
    if (route) (ok ? route.ok : route.refused).observe(seconds);
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function twiml(res: ServerResponse, body: string): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function problem(res: ServerResponse, err: AppError): void {
  const body = problemDocument(err);
  res.writeHead(err.status, { ...SECURITY_HEADERS, ...err.headers, 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * The voice webhooks of one process. `router()` mounts them in the express app (createApp's
 * `routers`); `front(app)` is the server's request listener: /voice/* goes straight to the
 * handler and everything else to the app, which spares the hot path express's per-request work
 * (bench/voice.ts: about a third of the ID-entry webhook's CPU time).
 */
export class VoiceWebhooks {
  readonly handle: VoiceHandler;
  readonly #log: Logger;

  constructor(s: Services, ctx: VoiceContext = createVoiceContext(s)) {
    this.handle = voiceHandler(ctx);
    this.#log = ctx.log;
  }

  router(): Router {
    const router = Router();
    router.use('/voice', (req, res) => this.handle(req, res, req.originalUrl));
    return router;
  }

  front(app: RequestListener): RequestListener {
    return (req, res) => {
      const url = req.url ?? '';
      if (!url.startsWith('/voice/')) return app(req, res);
      this.handle(req, res, url).catch((err: Error) => {
        this.#log.error({ err: err.message }, 'voice webhook could not be answered');
        res.destroy();
      });
    };
  }
}
