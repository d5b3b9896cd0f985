// Exit codes of `attendant` (documented in the README and in `attendant --help`).
export const EXIT = {
  /** everything asked for is done (or already was) */
  ok: 0,
  /** the command ran, but some items (or the job) failed */
  failures: 1,
  /** bad arguments, an unreadable or malformed file, ATTENDANT_URL / ATTENDANT_API_KEY missing */
  usage: 2,
  /** the service cannot be reached, or refused the API key (401, 403) */
  unreachable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Ends the command with `code` and a message for stderr. */
export class CliError extends Error {
  constructor(readonly code: ExitCode, message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);
