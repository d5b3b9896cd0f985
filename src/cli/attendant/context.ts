// What every command gets: the API client, the output, and the shared options.
import { describeProblem, type AdminApi, type Problem } from './api.js';
import { EXIT, type ExitCode } from './exit.js';
import type { Output } from './output.js';

export interface Context {
  api: AdminApi;
  out: Output;
  /** Requests in flight at once for per-item commands. */
  concurrency: number;
  /** The environment (ATTENDANT_STALL_SECONDS and the like). */
  env: Record<string, string | undefined>;
}

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface Command {
  usage: string;
  summary: string;
  /** More lines for `attendant GROUP SUB --help`: the options, what is printed, examples. */
  details?: string;
  options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
  run(ctx: Context, positionals: string[], values: OptionValues): Promise<ExitCode>;
}

/** A request the service refused: a warning (`what` was not done: why), the `failed` result, exit 1. */
export function refused(out: Output, what: string, error: Problem): ExitCode {
  out.warn(`${what}: ${describeProblem(error)}`);
  out.result({ outcome: 'failed', error });
  return EXIT.failures;
}

/** Counts outcomes in a fixed order, for summaries. */
export function tally<K extends string>(keys: readonly K[], outcomes: Iterable<K>): Record<K, number> {
  const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const o of outcomes) counts[o]++;
  return counts;
}

export const describeTally = (counts: Record<string, number>) => Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ');

/**
 * The end of a command that acts on each of several items: a line per item (outcome, `label`,
 * the refusal if any), the tally (`group: 2 revoked, 1 absent, 0 failed`), the result
 * `{ [group]: counts, items }`; exit 1 when any failed.
 */
export function reportEach<O extends string, I extends { outcome: O | 'failed'; error?: Problem }>(
  out: Output, group: string, outcomes: readonly (O | 'failed')[], items: I[], label: (item: I) => string,
): ExitCode {
  const width = Math.max(...outcomes.map((o) => o.length)) + 1;
  for (const i of items) out.line(`${i.outcome.padEnd(width)} ${label(i)}${i.error ? `  ${describeProblem(i.error)}` : ''}`);
  const counts = tally(outcomes, items.map((i) => i.outcome));
  out.line(`${group}: ${describeTally(counts)}`);
  out.result({ [group]: counts, items });
  return counts.failed ? EXIT.failures : EXIT.ok;
}
