// `attendant numbers list | delete | sync-twilio` (apply is in numbers-apply.ts).
import { describeProblem, enc, problemOf, type Problem } from './api.js';
import { describeTally, reportEach, tally, type Command } from './context.js';
import { EXIT, usageError } from './exit.js';
import { mapLimit } from './output.js';

interface DialInNumber {
  number: string;
  bridgeId: string;
  type: string;
  primaryLanguage: string;
  secondaryLanguages: string[];
  city: string | null;
  country: string | null;
}

export const numbersList: Command = {
  usage: 'numbers list [--bridge ID]',
  summary: 'list dial-in numbers, all or of one bridge',
  details: 'Prints one number a line: number, type, bridge id, languages, city and country.',
  options: { bridge: { type: 'string' } },
  async run({ api, out }, positionals, values) {
    if (positionals.length) throw usageError('numbers list takes no arguments (did you mean --bridge ID?)');
    const bridge = values.bridge as string | undefined;
    const res = await api.get<{ items: DialInNumber[] }>(`/dial-in-numbers${bridge ? `?bridgeId=${enc(bridge)}` : ''}`);
    if (res.status !== 200) {
      out.warn(`cannot list numbers: ${describeProblem(problemOf(res))}`);
      return EXIT.failures;
    }
    for (const n of res.body.items) {
      const langs = [n.primaryLanguage, ...n.secondaryLanguages].join(',');
      out.line([n.number.padEnd(16), n.type.padEnd(9), n.bridgeId, langs.padEnd(12), [n.city, n.country].filter(Boolean).join(', ')].join('  ').trimEnd());
    }
    out.line(`${res.body.items.length} number${res.body.items.length === 1 ? '' : 's'}`);
    out.result(res.body);
    return EXIT.ok;
  },
};

export const numbersDelete: Command = {
  usage: 'numbers delete E164...',
  summary: 'take numbers out of service (a number already gone counts as absent, not failed)',
  options: {},
  async run({ api, out, concurrency }, positionals) {
    if (!positionals.length) throw usageError('numbers delete needs at least one E.164 number');
    const items = await mapLimit([...new Set(positionals)], concurrency, async (number): Promise<{ number: string; outcome: 'deleted' | 'absent' | 'failed'; error?: Problem }> => {
      const res = await api.del(`/dial-in-numbers/${enc(number)}`);
      if (res.status === 204) return { number, outcome: 'deleted' };
      if (res.status === 404) return { number, outcome: 'absent' };
      return { number, outcome: 'failed', error: problemOf(res) };
    });
    return reportEach(out, 'numbers', ['deleted', 'absent', 'failed'] as const, items, (i) => i.number);
  },
};

interface SyncItem {
  number: string;
  outcome: 'updated' | 'unchanged' | 'failed';
  changed?: string[];
  error?: Problem;
}

// Twilio answers that every other number would get too: stop instead of repeating them.
const HOPELESS = (p: Problem) => p.code === 'twilio_auth_failed' || (p.status === 503 && /not configured/.test(p.detail));

export const numbersSyncTwilio: Command = {
  usage: 'numbers sync-twilio (E164... | --all)',
  summary: "point the numbers' Twilio Voice URL, fallback and status callback at the service",
  details: '  --all                every number of the service\nNeeds TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN on the service; numbers missing from the account fail.',
  options: { all: { type: 'boolean' } },
  async run({ api, out, concurrency }, positionals, values) {
    const all = values.all === true;
    if (all === positionals.length > 0) throw usageError('numbers sync-twilio takes E.164 numbers or --all (not both)');
    let numbers = [...new Set(positionals)];
    if (all) {
      const list = await api.get<{ items: DialInNumber[] }>('/dial-in-numbers');
      if (list.status !== 200) {
        out.warn(`cannot list numbers: ${describeProblem(problemOf(list))}`);
        return EXIT.failures;
      }
      numbers = list.body.items.map((n) => n.number);
    }
    const progress = out.progress('syncing');
    let done = 0;
    let stop: Problem | undefined;
    const items = await mapLimit(numbers, concurrency, async (number): Promise<SyncItem> => {
      if (stop) return { number, outcome: 'failed', error: { ...stop, detail: `not tried: ${stop.detail}` } };
      const res = await api.post(`/dial-in-numbers/${enc(number)}/twilio-sync`, {});
      progress.update(++done, numbers.length);
      if (res.status === 200) return { number, outcome: res.body.status, changed: res.body.changed };
      const error = problemOf(res);
      if (HOPELESS(error)) stop = error;
      return { number, outcome: 'failed', error };
    });
    progress.done();
    for (const i of items) {
      if (i.outcome === 'unchanged') continue;
      out.line(`${i.outcome.padEnd(9)} ${i.number}  ${i.error ? describeProblem(i.error) : i.changed!.join(', ')}`);
    }
    const counts = tally(['updated', 'unchanged', 'failed'] as const, items.map((i) => i.outcome));
    if (stop) out.warn(`stopped early: ${stop.detail}`);
    out.line(`twilio: ${describeTally(counts)}`);
    out.result({ twilio: counts, items });
    return counts.failed ? EXIT.failures : EXIT.ok;
  },
};
