// `attendant tenants list | create` (platform keys). Creating is not idempotent: each run makes
// a new tenant, so a script checks `tenants list --search NAME` first.
import { describeProblem, enc, problemOf } from './api.js';
import { refused, type Command } from './context.js';
import { EXIT, usageError } from './exit.js';
import { tenantProblem } from './local-checks.js';
import { listAll, pageSizeFrom } from './paging.js';

export interface Tenant {
  id: string;
  name: string;
  bridgeId: string;
  conferenceIdMode: string;
  sendEmailByDefault: boolean;
  pinLength: number;
  allowCallersToStartMeeting: boolean;
  entryExitAnnouncements: string;
  createdAt: string;
}

export const tenantsList: Command = {
  usage: 'tenants list [--search TEXT]',
  summary: 'list tenants (every page), or those whose name contains TEXT',
  details: 'Prints one tenant a line: id, bridge id, ID mode, name.',
  options: { search: { type: 'string' } },
  async run({ api, out, env }, positionals, values) {
    if (positionals.length) throw usageError('tenants list takes no arguments (did you mean --search TEXT?)');
    const search = values.search as string | undefined;
    const { items } = await listAll<Tenant>(api, `/tenants${search ? `?q=${enc(search)}` : ''}`, 'tenants', { pageSize: pageSizeFrom(env) });
    for (const t of items) out.line([t.id, t.bridgeId, t.conferenceIdMode.padEnd(7), t.name].join('  '));
    out.line(`${items.length} tenant${items.length === 1 ? '' : 's'}`);
    out.result({ items });
    return EXIT.ok;
  },
};

const ON_OFF = (value: unknown, name: string) => {
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'yes' || value === 'true') return true;
  if (value === 'off' || value === 'no' || value === 'false') return false;
  throw usageError(`--${name} is on or off`);
};

export const tenantsCreate: Command = {
  usage: 'tenants create --name NAME [--bridge ID] [--pin-length N] [--id-mode static|dynamic] [--emails-by-default on|off] [--callers-may-start on|off] [--announcements tones|off]',
  summary: 'create a tenant (without --bridge it gets a bridge of its own)',
  details: `  --pin-length N           digits of leader PINs (default 5)
  --id-mode MODE           static: one ID per user (default); dynamic: one per meeting
  --emails-by-default X    email users when their ID or PIN changes unless told otherwise (default on)
  --callers-may-start X    callers start a meeting without the organizer (default off)
  --announcements X        tones when people join and leave, or off (default tones)`,
  options: {
    name: { type: 'string' }, bridge: { type: 'string' }, 'pin-length': { type: 'string' }, 'id-mode': { type: 'string' },
    'emails-by-default': { type: 'string' }, 'callers-may-start': { type: 'string' }, announcements: { type: 'string' },
  },
  async run({ api, out }, positionals, values) {
    if (positionals.length) throw usageError('tenants create takes no arguments (--name NAME)');
    if (typeof values.name !== 'string') throw usageError('tenants create needs --name');
    const body = {
      name: values.name,
      bridgeId: values.bridge,
      pinLength: values['pin-length'] === undefined ? undefined : Number(values['pin-length']),
      conferenceIdMode: values['id-mode'],
      sendEmailByDefault: ON_OFF(values['emails-by-default'], 'emails-by-default'),
      allowCallersToStartMeeting: ON_OFF(values['callers-may-start'], 'callers-may-start'),
      entryExitAnnouncements: values.announcements,
    };
    const invalid = tenantProblem(body);
    if (invalid) throw usageError(describeProblem(invalid));
    // a lost answer is not retried: the tenant may exist already
    const res = await api.post<Tenant>('/tenants', body, { idempotent: false });
    if (res.status !== 201) return refused(out, 'the tenant was not created', problemOf(res));
    out.line(`created   tenant ${res.body.id}  ${res.body.name}  bridge ${res.body.bridgeId}`);
    out.result({ outcome: 'created', tenant: res.body });
    return EXIT.ok;
  },
};
