// `attendant users import FILE --tenant ID`: enables the users a CSV or JSON file lists.
// Idempotent: a user already enabled (409 user_exists) counts as unchanged. Leader PINs are
// printed only with --show-pins (they reach users by the welcome email otherwise).
import { describeProblem, enc, problemOf, type Problem } from './api.js';
import { describeTally, tally, type Command } from './context.js';
import { EXIT, usageError } from './exit.js';
import { checkFields, readRecords } from './files.js';
import { userProblem } from './local-checks.js';
import { mapLimit } from './output.js';
import { SEND_EMAIL_OPTIONS, sendEmailChoice, tenantOption } from './send-email.js';

export const USER_FIELDS = ['email', 'displayName', 'provider', 'conferenceId', 'tollNumber'] as const;

interface ImportItem {
  email: string;
  where: string;
  outcome: 'created' | 'unchanged' | 'failed';
  id?: string;
  conferenceId?: string | null;
  leaderPin?: string;
  error?: Problem;
}

export const usersImport: Command = {
  usage: 'users import FILE --tenant ID [--send-email | --no-send-email] [--show-pins]',
  summary: 'enable the users a CSV or JSON file lists (existing ones are left as they are)',
  details: `  --show-pins          print the new users' leader PINs (otherwise the welcome email carries them)
FILE: CSV with a header line, or JSON; email and displayName required; provider (builtin or
third_party), conferenceId and tollNumber optional (third-party users need both). "-" reads standard input.`,
  options: { tenant: { type: 'string' }, 'show-pins': { type: 'boolean' }, ...SEND_EMAIL_OPTIONS },
  async run({ api, out, concurrency }, positionals, values) {
    if (positionals.length !== 1) throw usageError('users import takes one FILE');
    const tenant = tenantOption(values);
    const sendEmail = sendEmailChoice(values);
    const file = positionals[0]!;
    const records = readRecords(file, 'users');
    checkFields(file, records, USER_FIELDS, ['email', 'displayName']);
    const seen = new Map<string, string>();
    for (const r of records) {
      const key = String(r.values.email).trim().toLowerCase();
      if (seen.has(key)) throw usageError(`${file} ${r.where}: ${key} is also at ${seen.get(key)}`);
      seen.set(key, r.where);
    }

    const progress = out.progress('importing');
    let done = 0;
    const items = await mapLimit(records, concurrency, async (r): Promise<ImportItem> => {
      const v = r.values;
      const email = String(v.email).trim();
      const body = {
        email, displayName: v.displayName, provider: v.provider,
        conferenceId: v.conferenceId === undefined ? undefined : String(v.conferenceId),
        tollNumber: v.tollNumber, sendEmail,
      };
      const invalid = userProblem(body);
      if (invalid) {
        progress.update(++done, records.length);
        return { email, where: r.where, outcome: 'failed', error: invalid };
      }
      const res = await api.post(`/tenants/${enc(tenant)}/users`, body);
      progress.update(++done, records.length);
      if (res.status === 201) {
        return { email, where: r.where, outcome: 'created', id: res.body.id, conferenceId: res.body.conferenceId, ...(values['show-pins'] && res.body.leaderPin ? { leaderPin: res.body.leaderPin } : {}) };
      }
      const error = problemOf(res);
      if (error.code === 'user_exists') return { email, where: r.where, outcome: 'unchanged' };
      return { email, where: r.where, outcome: 'failed', error };
    });
    progress.done();

    for (const i of items) {
      if (i.outcome === 'created') out.line(`created   ${i.email}  conference ID ${i.conferenceId ?? '(per meeting)'}${i.leaderPin ? `  leader PIN ${i.leaderPin}` : ''}`);
      if (i.outcome === 'failed') out.line(`failed    ${i.email}  ${i.where}: ${describeProblem(i.error!)}`);
    }
    const counts = tally(['created', 'unchanged', 'failed'] as const, items.map((i) => i.outcome));
    out.line(`users: ${describeTally(counts)}`);
    out.result({ users: counts, items });
    return counts.failed ? EXIT.failures : EXIT.ok;
  },
};
