// `attendant resets run`: starts a bulk conference-ID reset job (POST
// /tenants/{t}/conference-id-resets) and, with --wait, follows it (GET /jobs/{id}) to the end.
// The job routes are the contract's; the job mechanism lives in the service.
import { describeProblem, enc, problemOf, type AdminApi } from './api.js';
import type { Command } from './context.js';
import { EXIT, usageError } from './exit.js';
import { checkFields, readRecords } from './files.js';
import { followJob, reportJob, WAIT_DETAILS, WAIT_OPTIONS, WAIT_USAGE, waitOptions } from './jobs.js';
import { SEND_EMAIL_OPTIONS, sendEmailChoice, tenantOption } from './send-email.js';

export const resetsRun: Command = {
  usage: `resets run --tenant ID (--all | --users FILE) [--send-email | --no-send-email] ${WAIT_USAGE}`,
  summary: "reset users' conference IDs in one background job; --wait follows it to the end",
  details: `  --all                every enabled user of the tenant
  --users FILE         the users a CSV or JSON file lists, by "id" or "email"
${WAIT_DETAILS}`,
  options: { tenant: { type: 'string' }, all: { type: 'boolean' }, users: { type: 'string' }, ...WAIT_OPTIONS, ...SEND_EMAIL_OPTIONS },
  async run(ctx, positionals, values) {
    if (positionals.length) throw usageError('resets run takes no arguments (use --all or --users FILE)');
    const tenant = tenantOption(values);
    const sendEmail = sendEmailChoice(values);
    const all = values.all === true;
    const usersFile = values.users as string | undefined;
    if (all === (usersFile !== undefined)) throw usageError('resets run needs --all or --users FILE (one of them)');
    const wait = waitOptions(values);
    const { api, out } = ctx;

    let userIds: string[] | undefined;
    if (usersFile) {
      const resolved = await resolveUsers(api, tenant, usersFile);
      if (resolved.unknown.length) {
        for (const u of resolved.unknown) out.warn(`${usersFile} ${u.where}: ${u.what}`);
        out.warn('no reset was started: fix the file and run again');
        out.result({ started: false, unknown: resolved.unknown });
        return EXIT.failures;
      }
      userIds = resolved.ids;
    }

    // Starting a job is not idempotent: never retried after a lost answer (see api.ts).
    const started = await api.post<{ jobId: string }>(`/tenants/${enc(tenant)}/conference-id-resets`, { ...(all ? { all: true } : { userIds }), sendEmail }, { idempotent: false });
    if (started.status !== 202) {
      out.warn(`the reset was not started: ${describeProblem(problemOf(started))}`);
      out.result({ started: false, error: problemOf(started) });
      return EXIT.failures;
    }
    const { jobId } = started.body;
    if (!wait) {
      out.line(`job ${jobId} started; follow it with: attendant jobs get ${jobId} --wait`);
      out.result({ started: true, jobId });
      return EXIT.ok;
    }
    const followed = await followJob(ctx, jobId, wait);
    const code = reportJob(ctx, followed, ['users', 'reset'], wait.timeoutMs);
    out.result({ started: true, jobId, job: followed.job, timedOut: followed.timedOut });
    return code;
  },
};

/** The file's users as IDs: an "id" column, or an "email" column looked up in the tenant. */
async function resolveUsers(api: AdminApi, tenant: string, file: string) {
  const records = readRecords(file, 'users');
  checkFields(file, records, ['id', 'email'], []);
  const ids: string[] = [];
  const unknown: { where: string; what: string }[] = [];
  for (const r of records) {
    const { id, email } = r.values as { id?: unknown; email?: unknown };
    if ((id === undefined) === (email === undefined)) throw usageError(`${file} ${r.where}: give either id or email`);
    if (id !== undefined) {
      ids.push(String(id).trim());
      continue;
    }
    const res = await api.get<{ items: { id: string }[] }>(`/tenants/${enc(tenant)}/users?email=${enc(String(email).trim())}`);
    if (res.status === 200 && res.body.items[0]) ids.push(res.body.items[0].id);
    else unknown.push({ where: r.where, what: res.status === 200 ? `no enabled user ${String(email)} in the tenant` : describeProblem(problemOf(res)) });
  }
  if (!ids.length && !unknown.length) throw usageError(`${file} lists no users`);
  return { ids: [...new Set(ids)], unknown };
}
