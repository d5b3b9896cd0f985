// `attendant bridges list | create` (platform keys). A bridge is a set of dial-in numbers.
import { describeProblem, enc, problemOf, type AdminApi } from './api.js';
import { refused, type Command } from './context.js';
import { CliError, EXIT, usageError } from './exit.js';
import { bridgeProblem } from './local-checks.js';
import { listAll } from './paging.js';
import type { Tenant } from './tenants.js';

export interface Bridge {
  id: string;
  name: string;
  defaultTollNumber: string | null;
  defaultTollFreeNumber: string | null;
  createdAt: string;
}

/**
 * GET /bridges where the service has it; a service without that route (405/404) gives its
 * bridges through the numbers and tenants that name them, each read with GET /bridges/{id}
 * (a bridge with neither does not show then).
 */
async function allBridges(api: AdminApi): Promise<{ items: Bridge[]; complete: boolean }> {
  const direct = await api.get('/bridges');
  if (direct.status !== 404 && direct.status !== 405) return { items: (await listAll<Bridge>(api, '/bridges', 'bridges')).items, complete: true };
  const ids = new Set<string>();
  for (const n of (await listAll<{ bridgeId: string }>(api, '/dial-in-numbers', 'dial-in numbers')).items) ids.add(n.bridgeId);
  const tenants = await api.get('/tenants');
  if (tenants.status === 200) for (const t of (await listAll<Tenant>(api, '/tenants', 'tenants')).items) ids.add(t.bridgeId);
  const items: Bridge[] = [];
  for (const id of ids) {
    const res = await api.get<Bridge>(`/bridges/${enc(id)}`);
    if (res.status !== 200) throw new CliError(EXIT.failures, `cannot read bridge ${id}: ${describeProblem(problemOf(res))}`);
    items.push(res.body);
  }
  items.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return { items, complete: false };
}

export const bridgesList: Command = {
  usage: 'bridges list',
  summary: 'list bridges with their default toll and toll-free numbers',
  details: 'Prints one bridge a line: id, default toll number, default toll-free number, name.',
  options: {},
  async run({ api, out }, positionals) {
    if (positionals.length) throw usageError('bridges list takes no arguments');
    const { items, complete } = await allBridges(api);
    for (const b of items) out.line([b.id, (b.defaultTollNumber ?? '-').padEnd(16), (b.defaultTollFreeNumber ?? '-').padEnd(16), b.name].join('  '));
    out.line(`${items.length} bridge${items.length === 1 ? '' : 's'}${complete ? '' : ' (those with numbers or tenants: this service cannot list bridges)'}`);
    out.result({ items, complete });
    return EXIT.ok;
  },
};

export const bridgesCreate: Command = {
  usage: 'bridges create --name NAME',
  summary: 'create a bridge (then add numbers with numbers apply)',
  options: { name: { type: 'string' } },
  async run({ api, out }, positionals, values) {
    if (positionals.length) throw usageError('bridges create takes no arguments (--name NAME)');
    if (typeof values.name !== 'string') throw usageError('bridges create needs --name');
    const body = { name: values.name };
    const invalid = bridgeProblem(body);
    if (invalid) throw usageError(describeProblem(invalid));
    const res = await api.post<Bridge>('/bridges', body, { idempotent: false });
    if (res.status !== 201) return refused(out, 'the bridge was not created', problemOf(res));
    out.line(`created   bridge ${res.body.id}  ${res.body.name}`);
    out.result({ outcome: 'created', bridge: res.body });
    return EXIT.ok;
  },
};
