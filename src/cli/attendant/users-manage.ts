// `attendant users list | get | create | disable`: one user at a time (users import is the bulk
// path). A USER is named by its id or its email (looked up in the tenant).
import { describeProblem, enc, problemOf, type AdminApi, type Problem } from './api.js';
import { refused, reportEach, type Command } from './context.js';
import { CliError, EXIT, usageError } from './exit.js';
import { userProblem } from './local-checks.js';
import { mapLimit } from './output.js';
import { listAll, pageSizeFrom } from './paging.js';
import { SEND_EMAIL_OPTIONS, sendEmailChoice, tenantOption } from './send-email.js';

export interface User {
  id: string;
  tenantId: string;
  email: string;
  displayName: string;
  provider: string;
  conferenceId: string | null;
  conferenceIdUpdatedAt: string | null;
  tollNumber: string | null;
  tollFreeNumber: string | null;
  createdAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USERS_PAGE = 500; // the API's largest page

/** Refuses a USER that is neither an id nor an email (before anything is done). */
export function checkUserRef(ref: string): void {
  if (!UUID.test(ref) && !ref.includes('@')) throw usageError(`"${ref}" is neither a user id nor an email`);
}

/** The user's id: USER is an id, or an email looked up in the tenant (null: no such user). */
export async function resolveUser(api: AdminApi, tenant: string, ref: string): Promise<string | null> {
  checkUserRef(ref);
  if (UUID.test(ref)) return ref.toLowerCase();
  const res = await api.get<{ items: User[] }>(`/tenants/${enc(tenant)}/users?email=${enc(ref.trim())}`);
  if (res.status !== 200) throw new CliError(EXIT.failures, `cannot look up ${ref}: ${describeProblem(problemOf(res))}`);
  return res.body.items[0]?.id ?? null;
}

/** resolveUser, where a missing user ends the command (exit 1). */
export async function requireUser(api: AdminApi, tenant: string, ref: string): Promise<string> {
  const id = await resolveUser(api, tenant, ref);
  if (!id) throw new CliError(EXIT.failures, `no enabled user ${ref} in tenant ${tenant}`);
  return id;
}

const describeId = (u: User) => u.conferenceId ?? '(per meeting)';

export const usersList: Command = {
  usage: 'users list --tenant ID [--search TEXT] [--limit N]',
  summary: "list a tenant's enabled users (every page), or those whose name or email matches",
  details: `  --search TEXT        users whose display name or email contains TEXT (any case)
  --limit N            at most N users (default: all of them)
Prints one user a line: id, conference ID, email, display name.`,
  options: { tenant: { type: 'string' }, search: { type: 'string' }, limit: { type: 'string' } },
  async run({ api, out, env }, positionals, values) {
    if (positionals.length) throw usageError('users list takes no arguments');
    const tenant = tenantOption(values);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw usageError('--limit must be a whole number above 0');
    const search = values.search as string | undefined;
    const path = `/tenants/${enc(tenant)}/users${search ? `?q=${enc(search)}` : ''}`;
    const { items, more } = await listAll<User>(api, path, 'users', { limit, pageSize: pageSizeFrom(env, USERS_PAGE) });
    for (const u of items) out.line([u.id, describeId(u).padEnd(7), u.email, u.displayName].join('  '));
    out.line(`${items.length} user${items.length === 1 ? '' : 's'}${more ? ' (more with a higher --limit)' : ''}`);
    out.result({ items, more });
    return EXIT.ok;
  },
};

export const usersGet: Command = {
  usage: 'users get --tenant ID USER',
  summary: 'one user: conference ID, numbers, provider (USER is an id or an email)',
  options: { tenant: { type: 'string' } },
  async run({ api, out }, positionals, values) {
    if (positionals.length !== 1) throw usageError('users get takes one USER (an id or an email)');
    const tenant = tenantOption(values);
    const id = await requireUser(api, tenant, positionals[0]!);
    const res = await api.get<User>(`/tenants/${enc(tenant)}/users/${enc(id)}`);
    if (res.status !== 200) throw new CliError(EXIT.failures, `cannot read user ${positionals[0]}: ${describeProblem(problemOf(res))}`);
    const u = res.body;
    const rows: [string, unknown][] = [
      ['id', u.id], ['email', u.email], ['name', u.displayName], ['provider', u.provider], ['conference ID', describeId(u)],
      ['ID changed', u.conferenceIdUpdatedAt ?? '-'], ['toll number', u.tollNumber ?? '-'], ['toll-free', u.tollFreeNumber ?? '-'], ['enabled', u.createdAt],
    ];
    for (const [k, v] of rows) out.line(`${k.padEnd(14)} ${String(v)}`);
    out.result(u);
    return EXIT.ok;
  },
};

export const usersCreate: Command = {
  usage: 'users create --tenant ID --email EMAIL --name NAME [--provider builtin|third_party] [--conference-id ID] [--toll-number E164] [--send-email | --no-send-email] [--show-pin]',
  summary: 'enable one user (already enabled: reported unchanged, exit 0)',
  details: `  --conference-id ID   a chosen 7-digit ID (builtin, static tenants); required for third_party
  --toll-number E164   the provider's toll number (third_party only)
  --show-pin           print the new leader PIN (otherwise it reaches the user by the welcome email)`,
  options: {
    tenant: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, provider: { type: 'string' },
    'conference-id': { type: 'string' }, 'toll-number': { type: 'string' }, 'show-pin': { type: 'boolean' }, ...SEND_EMAIL_OPTIONS,
  },
  async run({ api, out }, positionals, values) {
    if (positionals.length) throw usageError('users create takes no arguments (--email and --name)');
    const tenant = tenantOption(values);
    if (typeof values.email !== 'string' || typeof values.name !== 'string') throw usageError('users create needs --email and --name');
    const body = {
      email: values.email.trim(), displayName: values.name, provider: values.provider,
      conferenceId: values['conference-id'], tollNumber: values['toll-number'], sendEmail: sendEmailChoice(values),
    };
    const invalid = userProblem(body);
    if (invalid) throw usageError(describeProblem(invalid));
    const res = await api.post(`/tenants/${enc(tenant)}/users`, body);
    if (res.status === 201) {
      const { leaderPin, emailQueued, ...user } = res.body as User & { leaderPin?: string; emailQueued: boolean };
      const shown = values['show-pin'] && leaderPin ? { leaderPin } : {};
      out.line(`created   ${user.email}  ${user.id}  conference ID ${describeId(user)}`);
      if (leaderPin) out.line(shown.leaderPin ? `leader PIN ${leaderPin}` : `leader PIN ${emailQueued ? 'sent in the welcome email' : 'not shown (--show-pin prints it; users reset-pin makes a new one)'}`);
      out.result({ outcome: 'created', user, emailQueued, ...shown });
      return EXIT.ok;
    }
    const error = problemOf(res);
    if (error.code === 'user_exists') {
      const id = await resolveUser(api, tenant, body.email);
      out.line(`unchanged ${body.email}${id ? `  ${id}` : ''}  (already enabled)`);
      out.result({ outcome: 'unchanged', user: id ? { id, email: body.email } : { email: body.email } });
      return EXIT.ok;
    }
    return refused(out, `${body.email} was not enabled`, error);
  },
};

export const usersDisable: Command = {
  usage: 'users disable --tenant ID USER...',
  summary: "disable users and retire their conference IDs (a user not enabled counts as absent)",
  options: { tenant: { type: 'string' } },
  async run({ api, out, concurrency }, positionals, values) {
    if (!positionals.length) throw usageError('users disable needs at least one USER (an id or an email)');
    const tenant = tenantOption(values);
    positionals.forEach(checkUserRef);
    type Item = { user: string; outcome: 'disabled' | 'absent' | 'failed'; id?: string; error?: Problem };
    const items = await mapLimit([...new Set(positionals)], concurrency, async (user): Promise<Item> => {
      const id = await resolveUser(api, tenant, user);
      if (!id) return { user, outcome: 'absent' };
      const res = await api.del(`/tenants/${enc(tenant)}/users/${enc(id)}`);
      if (res.status === 204) return { user, id, outcome: 'disabled' };
      const error = problemOf(res);
      // an unknown user is absent; an unknown tenant is a mistake worth failing on
      if (res.status === 404 && !/tenant/.test(error.detail)) return { user, id, outcome: 'absent' };
      return { user, id, outcome: 'failed', error };
    });
    return reportEach(out, 'users', ['disabled', 'absent', 'failed'] as const, items, (i) => i.user);
  },
};
