// `attendant`: the command line for provisioning scripts. It talks to the admin API over HTTP
// (ATTENDANT_URL, ATTENDANT_API_KEY), is safe to re-run after a failure (commands are
// idempotent, except those that create or reset something: see docs/cli.md), prints for humans
// or, with --json, one JSON document for machines, and exits 0 (ok), 1 (some failures),
// 2 (usage) or 3 (unreachable/auth).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AdminApi } from './api.js';
import { COMMANDS, commandHelp, groupHelp, HELP } from './commands.js';
import { CliError, EXIT, usageError, type ExitCode } from './exit.js';
import { Output, type Io } from './output.js';

export { HELP } from './commands.js';

const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  concurrency: { type: 'string' },
  retries: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help';

function intOption(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw usageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function baseUrl(value: string | undefined): string {
  if (!value) throw usageError('set ATTENDANT_URL (or pass --url) to the service\'s base URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`ATTENDANT_URL is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError('ATTENDANT_URL must be an http:// or https:// URL');
  return value;
}

/** The package's version: package.json above this file (src/ under tsx, dist/src/ when built). */
export function version(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return 'unknown';
      dir = up;
    }
  }
}

export async function run(argv: string[], io: Io): Promise<ExitCode> {
  const json = argv.includes('--json');
  const out = new Output(io, json);
  const say = (text: string) => {
    io.stdout.write(text);
    return EXIT.ok;
  };
  try {
    const words = argv.filter((a) => a !== '--json');
    const [group, sub, ...rest] = words;
    if (group === '--version') {
      if (json) out.result({ version: version() });
      else io.stdout.write(`attendant ${version()}\n`);
      return EXIT.ok;
    }
    if (group === undefined) {
      io.stderr.write(HELP);
      return EXIT.usage;
    }
    if (isHelp(group)) return say(HELP);
    const commands = COMMANDS[group];
    if (!commands) throw usageError(`unknown command "${group}"`);
    if (isHelp(sub)) return say(groupHelp(group));
    const command = sub ? commands[sub] : undefined;
    if (!command) throw usageError(`${sub ? `unknown command "${group} ${sub}"` : `"${group}" needs a subcommand`} (${Object.keys(commands).join(', ')})`);
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest, ...(json ? ['--json'] : [])], options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    } catch (err) {
      throw usageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) return say(commandHelp(group, sub!));
    const url = baseUrl((values.url as string | undefined) ?? io.env.ATTENDANT_URL);
    const key = io.env.ATTENDANT_API_KEY;
    if (!key) throw usageError('set ATTENDANT_API_KEY to an admin API key');
    const api = new AdminApi(url, key, { retries: intOption(values.retries, 'retries', 0, 10, 3) });
    const concurrency = intOption(values.concurrency, 'concurrency', 1, 32, 4);
    return await command.run({ api, out, concurrency, env: io.env }, positionals, values);
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError(EXIT.failures, `unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    out.warn(e.message + (e.code === EXIT.usage ? ' (attendant --help)' : ''));
    out.result({ error: e.message, exitCode: e.code });
    return e.code;
  }
}
