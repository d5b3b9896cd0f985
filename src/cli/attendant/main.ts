// `attendant`: the command line for provisioning scripts. It talks to the admin API over HTTP
// (ATTENDANT_URL, ATTENDANT_API_KEY), is safe to re-run after a failure (every command is
// idempotent, except starting a new reset job), prints for humans or, with --json, one JSON
// document for machines, and exits 0 (ok), 1 (some failures), 2 (usage) or 3 (unreachable/auth).
import { parseArgs } from 'node:util';
import { AdminApi } from './api.js';
import type { Command } from './context.js';
import { CliError, EXIT, usageError, type ExitCode } from './exit.js';
import { numbersApply } from './numbers-apply.js';
import { numbersDelete, numbersList, numbersSyncTwilio } from './numbers.js';
import { Output, type Io } from './output.js';
import { resetsRun } from './resets.js';
import { usersImport } from './users.js';

const COMMANDS: Record<string, Record<string, Command>> = {
  numbers: { apply: numbersApply, list: numbersList, delete: numbersDelete, 'sync-twilio': numbersSyncTwilio },
  users: { import: usersImport },
  resets: { run: resetsRun },
};

const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  concurrency: { type: 'string' },
  retries: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const HELP = `Usage: attendant COMMAND [options]

Commands:
${Object.entries(COMMANDS).flatMap(([, subs]) => Object.values(subs).map((c) => `  ${c.usage}\n      ${c.summary}`)).join('\n')}

Options for every command:
  --json               print one JSON document on stdout (for machines)
  --url URL            the service's base URL (default: $ATTENDANT_URL)
  --concurrency N      requests in flight at once, 1 to 32 (default 4)
  --retries N          retries after 429, 503 with Retry-After or a lost connection (default 3)
  -h, --help           this text

Environment:
  ATTENDANT_URL        e.g. https://attendant.example.com
  ATTENDANT_API_KEY    an admin API key (a platform key for numbers); never taken from the command line

Exit codes:
  0  everything asked for is done (or already was)
  1  the command ran but some items, or the job, failed
  2  usage: bad arguments, an unreadable or malformed file, ATTENDANT_URL or ATTENDANT_API_KEY missing
  3  the service cannot be reached, or it refused the API key (401, 403)
`;

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

export async function run(argv: string[], io: Io): Promise<ExitCode> {
  const json = argv.includes('--json');
  const out = new Output(io, json);
  try {
    const [group, sub, ...rest] = argv;
    if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
      (group === undefined ? io.stderr : io.stdout).write(HELP);
      return group === undefined ? EXIT.usage : EXIT.ok;
    }
    const commands = COMMANDS[group];
    if (!commands) throw usageError(`unknown command "${group}"`);
    const command = sub ? commands[sub] : undefined;
    if (!command) {
      if (sub === '--help' || sub === '-h') {
        io.stdout.write(Object.values(commands).map((c) => `attendant ${c.usage}\n    ${c.summary}\n`).join(''));
        return EXIT.ok;
      }
      throw usageError(`${sub ? `unknown command "${group} ${sub}"` : `"${group}" needs a subcommand`} (${Object.keys(commands).join(', ')})`);
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    } catch (err) {
      throw usageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(`Usage: attendant ${command.usage}\n  ${command.summary}\n(attendant --help lists the options of every command and the exit codes)\n`);
      return EXIT.ok;
    }
    const url = baseUrl((values.url as string | undefined) ?? io.env.ATTENDANT_URL);
    const key = io.env.ATTENDANT_API_KEY;
    if (!key) throw usageError('set ATTENDANT_API_KEY to an admin API key');
    const api = new AdminApi(url, key, { retries: intOption(values.retries, 'retries', 0, 10, 3) });
    const concurrency = intOption(values.concurrency, 'concurrency', 1, 32, 4);
    return await command.run({ api, out, concurrency }, positionals, values);
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError(EXIT.failures, `unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    out.warn(e.message + (e.code === EXIT.usage ? ' (attendant --help)' : ''));
    out.result({ error: e.message, exitCode: e.code });
    return e.code;
  }
}
