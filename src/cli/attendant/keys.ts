// `attendant keys list | create | revoke`. A key's secret is shown once, when it is created
// (on stdout, or in the --json document); lists never carry it.
import { describeProblem, enc, problemOf, type Problem } from './api.js';
import { refused, reportEach, type Command } from './context.js';
import { EXIT, usageError } from './exit.js';
import { apiKeyProblem } from './local-checks.js';
import { mapLimit } from './output.js';
import { listAll, pageSizeFrom } from './paging.js';

interface ApiKey {
  id: string;
  name: string;
  /** The visible part of the key, to recognise it. */
  prefix?: string;
  tenantId: string | null;
  readOnly: boolean;
  createdAt?: string;
  revokedAt?: string | null;
}

const scope = (k: ApiKey) => (k.tenantId ? `tenant ${k.tenantId}` : 'platform');

export const keysList: Command = {
  usage: 'keys list [--tenant ID]',
  summary: 'list API keys (never their secrets); a tenant\'s write key sees its own tenant\'s',
  details: `  --tenant ID          only the keys of this tenant
Prints one key a line: id, prefix (att_PREFIX_...), read-only or write, platform or tenant, name, and when it was revoked.`,
  options: { tenant: { type: 'string' } },
  async run({ api, out, env }, positionals, values) {
    if (positionals.length) throw usageError('keys list takes no arguments');
    const tenant = values.tenant as string | undefined;
    const { items } = await listAll<ApiKey>(api, `/api-keys${tenant ? `?tenantId=${enc(tenant)}` : ''}`, 'API keys', { pageSize: pageSizeFrom(env) });
    for (const k of items) {
      out.line([k.id, (k.prefix ?? '').padEnd(8), (k.readOnly ? 'read-only' : 'write').padEnd(9), scope(k).padEnd(43), k.name, k.revokedAt ? `(revoked ${k.revokedAt})` : ''].join('  ').trimEnd());
    }
    out.line(`${items.length} key${items.length === 1 ? '' : 's'}`);
    out.result({ items });
    return EXIT.ok;
  },
};

export const keysCreate: Command = {
  usage: 'keys create --name NAME [--tenant ID] [--read-only]',
  summary: 'create an API key and print it, once (without --tenant: a platform key)',
  options: { name: { type: 'string' }, tenant: { type: 'string' }, 'read-only': { type: 'boolean' } },
  async run({ api, out }, positionals, values) {
    if (positionals.length) throw usageError('keys create takes no arguments (--name NAME)');
    if (typeof values.name !== 'string') throw usageError('keys create needs --name');
    const body = { name: values.name, tenantId: (values.tenant as string | undefined) ?? null, readOnly: values['read-only'] === true };
    const invalid = apiKeyProblem(body);
    if (invalid) throw usageError(describeProblem(invalid));
    const res = await api.post<ApiKey & { key: string }>('/api-keys', body, { idempotent: false });
    if (res.status !== 201) return refused(out, 'the key was not created', problemOf(res));
    const k = res.body;
    out.line(`created   key ${k.id}  ${k.readOnly ? 'read-only' : 'write'}  ${scope(k)}  ${k.name}`);
    out.line(`key: ${k.key}`);
    out.line('(shown once: store it now; only its hash is kept)');
    out.result({ outcome: 'created', key: k });
    return EXIT.ok;
  },
};

export const keysRevoke: Command = {
  usage: 'keys revoke KEY_ID...',
  summary: 'revoke API keys: they stop working at once (an unknown id counts as absent)',
  options: {},
  async run({ api, out, concurrency }, positionals) {
    if (!positionals.length) throw usageError('keys revoke needs at least one KEY_ID');
    const items = await mapLimit([...new Set(positionals)], concurrency, async (id): Promise<{ id: string; outcome: 'revoked' | 'absent' | 'failed'; error?: Problem }> => {
      const res = await api.del(`/api-keys/${enc(id)}`);
      if (res.status === 204) return { id, outcome: 'revoked' };
      if (res.status === 404) return { id, outcome: 'absent' };
      return { id, outcome: 'failed', error: problemOf(res) };
    });
    return reportEach(out, 'keys', ['revoked', 'absent', 'failed'] as const, items, (i) => i.id);
  },
};
