// Every `attendant GROUP SUBCOMMAND`, and the help texts made from them.
import { bridgesCreate, bridgesList } from './bridges.js';
import type { Command } from './context.js';
import { jobsGet } from './jobs.js';
import { keysCreate, keysList, keysRevoke } from './keys.js';
import { numbersApply } from './numbers-apply.js';
import { numbersDelete, numbersList, numbersSyncTwilio } from './numbers.js';
import { resetsRun } from './resets.js';
import { tenantsCreate, tenantsList } from './tenants.js';
import { usersResetId, usersResetPin, usersSendInfo, usersSetId } from './users-actions.js';
import { usersCreate, usersDisable, usersGet, usersList } from './users-manage.js';
import { usersImport } from './users.js';

export const COMMANDS: Record<string, Record<string, Command>> = {
  users: {
    list: usersList, get: usersGet, create: usersCreate, disable: usersDisable, import: usersImport,
    'reset-id': usersResetId, 'set-id': usersSetId, 'reset-pin': usersResetPin, 'send-info': usersSendInfo,
  },
  resets: { run: resetsRun },
  jobs: { get: jobsGet },
  tenants: { list: tenantsList, create: tenantsCreate },
  bridges: { list: bridgesList, create: bridgesCreate },
  numbers: { apply: numbersApply, list: numbersList, delete: numbersDelete, 'sync-twilio': numbersSyncTwilio },
  keys: { list: keysList, create: keysCreate, revoke: keysRevoke },
};

const GLOBAL_HELP = `Options for every command:
  --json               print one JSON document on stdout (for machines)
  --url URL            the service's base URL (default: $ATTENDANT_URL)
  --concurrency N      requests in flight at once, 1 to 32 (default 4)
  --retries N          retries after 429, 503 with Retry-After or a lost connection (default 3)
  -h, --help           help (attendant GROUP --help, attendant GROUP COMMAND --help)
  --version            the version of attendant`;

const EXIT_HELP = `Exit codes:
  0  everything asked for is done (or already was)
  1  the command ran but some items, or the job, failed (or --wait gave up at --timeout)
  2  usage: bad arguments, an unreadable or malformed file, ATTENDANT_URL or ATTENDANT_API_KEY missing
  3  the service cannot be reached, or it refused the API key (401, 403)`;

const summaryLines = (subs: Record<string, Command>) => Object.values(subs).map((c) => `  ${c.usage}\n      ${c.summary}`).join('\n');

export const HELP = `Usage: attendant COMMAND [options]

Commands:
${Object.values(COMMANDS).map(summaryLines).join('\n')}

${GLOBAL_HELP}

Environment:
  ATTENDANT_URL        e.g. https://attendant.example.com
  ATTENDANT_API_KEY    an admin API key (a platform key for numbers, bridges, tenants and keys);
                       never taken from the command line
  ATTENDANT_STALL_SECONDS  --wait warns when a job has made no progress this long (default 60)

${EXIT_HELP}
`;

export function groupHelp(group: string): string {
  return `Usage: attendant ${group} (${Object.keys(COMMANDS[group]!).join(' | ')}) [options]

${summaryLines(COMMANDS[group]!)}

attendant ${group} COMMAND --help tells more; attendant --help lists the options of every command.
`;
}

export function commandHelp(group: string, sub: string): string {
  const c = COMMANDS[group]![sub]!;
  return `Usage: attendant ${c.usage} [--json]
  ${c.summary}
${c.details ? `\n${c.details}\n` : ''}
${GLOBAL_HELP}

${EXIT_HELP}
`;
}
