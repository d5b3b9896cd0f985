// `attendant users reset-id | set-id | reset-pin | send-info`: what an admin does to one user's
// conferencing. reset-id, reset-pin and send-info change something each time they run, so they
// are never retried after a lost answer (exit 3: look before running again); set-id is
// idempotent (the user already having that ID is reported unchanged).
import { describeProblem, enc, problemOf, type ApiResponse } from './api.js';
import type { Command, Context, OptionValues } from './context.js';
import { EXIT, usageError, type ExitCode } from './exit.js';
import { SEND_EMAIL_OPTIONS, sendEmailChoice, tenantOption } from './send-email.js';
import { requireUser } from './users-manage.js';

interface IdChange {
  conferenceId: string;
  previousConferenceId: string | null;
  emailQueued: boolean;
}

/** The tenant and the one USER every action takes, plus the user's id. */
async function target({ api }: Context, positionals: string[], values: OptionValues, name: string, extra = 0) {
  if (positionals.length !== 1 + extra) throw usageError(`users ${name} takes ${extra ? 'USER and a conference ID' : 'one USER (an id or an email)'}`);
  const tenant = tenantOption(values);
  const ref = positionals[0]!;
  const id = await requireUser(api, tenant, ref);
  return { tenant, ref, id, path: `/tenants/${enc(tenant)}/users/${enc(id)}` };
}

function refused(ctx: Context, what: string, res: ApiResponse): ExitCode {
  const error = problemOf(res);
  ctx.out.warn(`${what}: ${describeProblem(error)}`);
  ctx.out.result({ outcome: 'failed', error });
  return EXIT.failures;
}

const emailNote = (queued: boolean) => (queued ? ' (email queued)' : '');

export const usersResetId: Command = {
  usage: 'users reset-id --tenant ID USER [--send-email | --no-send-email]',
  summary: "give a user a new conference ID; the old one stops working at once",
  options: { tenant: { type: 'string' }, ...SEND_EMAIL_OPTIONS },
  async run(ctx, positionals, values) {
    const sendEmail = sendEmailChoice(values);
    const t = await target(ctx, positionals, values, 'reset-id');
    const res = await ctx.api.post<IdChange>(`${t.path}/conference-id/reset`, { sendEmail }, { idempotent: false });
    if (res.status !== 200) return refused(ctx, `the conference ID of ${t.ref} was not reset`, res);
    const c = res.body;
    ctx.out.line(`reset     ${t.ref}  conference ID ${c.previousConferenceId ?? '-'} -> ${c.conferenceId}${emailNote(c.emailQueued)}`);
    ctx.out.result({ outcome: 'reset', userId: t.id, ...c });
    return EXIT.ok;
  },
};

export const usersSetId: Command = {
  usage: 'users set-id --tenant ID USER CONFERENCE_ID [--send-email | --no-send-email]',
  summary: 'give a user a conference ID of your choice (7 digits; one in use or quarantined is refused)',
  options: { tenant: { type: 'string' }, ...SEND_EMAIL_OPTIONS },
  async run(ctx, positionals, values) {
    const sendEmail = sendEmailChoice(values);
    const conferenceId = positionals[1];
    if (conferenceId !== undefined && !/^[1-9][0-9]{6}$/.test(conferenceId)) throw usageError('CONFERENCE_ID must be 7 digits, the first not 0');
    const t = await target(ctx, positionals, values, 'set-id', 1);
    const res = await ctx.api.put<IdChange>(`${t.path}/conference-id`, { conferenceId, sendEmail });
    if (res.status === 200) {
      const c = res.body;
      // the service answers a user's own ID with previous === new and changes nothing
      const outcome = c.previousConferenceId === c.conferenceId ? 'unchanged' : 'set';
      ctx.out.line(outcome === 'set'
        ? `set       ${t.ref}  conference ID ${c.previousConferenceId ?? '-'} -> ${c.conferenceId}${emailNote(c.emailQueued)}`
        : `unchanged ${t.ref}  conference ID ${c.conferenceId}`);
      ctx.out.result({ outcome, userId: t.id, ...c });
      return EXIT.ok;
    }
    return refused(ctx, `the conference ID of ${t.ref} was not set`, res);
  },
};

export const usersResetPin: Command = {
  usage: 'users reset-pin --tenant ID USER [--send-email | --no-send-email] [--show-pin]',
  summary: "give a user a new leader PIN; the old one stops working at once",
  details: '  --show-pin           print the new PIN (otherwise only the email carries it)',
  options: { tenant: { type: 'string' }, 'show-pin': { type: 'boolean' }, ...SEND_EMAIL_OPTIONS },
  async run(ctx, positionals, values) {
    const sendEmail = sendEmailChoice(values);
    const t = await target(ctx, positionals, values, 'reset-pin');
    const res = await ctx.api.post<{ leaderPin: string; emailQueued: boolean }>(`${t.path}/leader-pin/reset`, { sendEmail }, { idempotent: false });
    if (res.status !== 200) return refused(ctx, `the leader PIN of ${t.ref} was not reset`, res);
    const { leaderPin, emailQueued } = res.body;
    const show = values['show-pin'] === true;
    ctx.out.line(`reset     ${t.ref}  leader PIN ${show ? leaderPin : emailQueued ? 'sent by email' : 'not shown'}`);
    if (!show && !emailQueued) ctx.out.warn('the new PIN was neither emailed nor shown: run again with --show-pin or --send-email');
    ctx.out.result({ outcome: 'reset', userId: t.id, emailQueued, ...(show ? { leaderPin } : {}) });
    return EXIT.ok;
  },
};

export const usersSendInfo: Command = {
  usage: 'users send-info --tenant ID USER [--to EMAIL]',
  summary: "email a user's conference ID and dial-in numbers (never the PIN)",
  details: "  --to EMAIL           another address (default: the user's)",
  options: { tenant: { type: 'string' }, to: { type: 'string' } },
  async run(ctx, positionals, values) {
    const toAddress = values.to as string | undefined;
    const t = await target(ctx, positionals, values, 'send-info');
    const res = await ctx.api.post(`${t.path}/conference-info/send`, toAddress ? { toAddress } : {}, { idempotent: false });
    if (res.status !== 202) return refused(ctx, `the conference details of ${t.ref} were not sent`, res);
    ctx.out.line(`queued    ${t.ref}  conference details to ${toAddress ?? "the user's email"}`);
    ctx.out.result({ outcome: 'queued', userId: t.id, emailQueued: true, ...(toAddress ? { toAddress } : {}) });
    return EXIT.ok;
  },
};
