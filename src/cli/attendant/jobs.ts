// Following a background job (GET /jobs/{id}) for --wait: progress lines that name the whole
// job ID (so it can be pasted into `attendant jobs get`), a warning on stderr whenever the job
// has made no progress for ATTENDANT_STALL_SECONDS (default 60: a stopped worker is the usual
// cause), and --timeout, after which the CLI stops waiting and the job goes on without it.
import { describeProblem, enc, problemOf } from './api.js';
import type { Command, Context, OptionValues } from './context.js';
import { CliError, EXIT, usageError } from './exit.js';

export interface Job {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  total: number;
  succeeded: number;
  failed: number;
  errors?: unknown[];
}

export interface WaitOptions {
  intervalMs: number;
  /** Stop waiting after this long (undefined: wait until the job ends). */
  timeoutMs?: number;
}

export const WAIT_OPTIONS = { wait: { type: 'boolean' }, timeout: { type: 'string' }, interval: { type: 'string' } } as const;
export const WAIT_USAGE = '[--wait [--timeout SECONDS]] [--interval SECONDS]';
export const WAIT_DETAILS = `  --wait               follow the job to its end, printing its progress on stderr
  --timeout SECONDS    with --wait: stop waiting after this long (exit 1; the job goes on)
  --interval SECONDS   between two looks at the job (default 1)`;

const FINISHED = new Set(['succeeded', 'failed']);
const MAX_POLL_ERRORS = 5;
const DEFAULT_STALL_S = 60;

function seconds(value: unknown, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max) throw usageError(`--${name} must be a number of seconds above 0 and at most ${max}`);
  return n;
}

/** --wait, --timeout and --interval, checked together. */
export function waitOptions(values: OptionValues): WaitOptions | null {
  const timeoutS = seconds(values.timeout, 'timeout', 7 * 24 * 3600);
  const intervalS = seconds(values.interval, 'interval', 60) ?? 1;
  if (!values.wait) {
    if (timeoutS !== undefined) throw usageError('--timeout only applies with --wait');
    return null;
  }
  return { intervalMs: intervalS * 1000, ...(timeoutS !== undefined ? { timeoutMs: timeoutS * 1000 } : {}) };
}

function stallMs(env: Record<string, string | undefined>): number {
  const raw = env.ATTENDANT_STALL_SECONDS;
  const n = raw === undefined || raw === '' ? DEFAULT_STALL_S : Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw usageError('ATTENDANT_STALL_SECONDS must be a number of seconds above 0');
  return n * 1000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const done = (j: Job) => j.succeeded + j.failed;
const describeSeconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const describeJobError = (e: unknown) => {
  const o = e as { unitId?: string | null; message?: string } | null;
  return o && typeof o === 'object' && typeof o.message === 'string' ? `${o.unitId ?? 'job'}: ${o.message}` : typeof e === 'string' ? e : JSON.stringify(e);
};

/** Polls the job until it has finished or the timeout has passed. */
export async function followJob({ api, out, env }: Context, jobId: string, wait: WaitOptions): Promise<{ job: Job; timedOut: boolean }> {
  const stall = stallMs(env);
  const progress = out.progress(`job ${jobId}`, { plainLines: true });
  const started = Date.now();
  let errors = 0;
  let last: Job | undefined;
  let lastChange = started;
  let stallWarnings = 0;
  try {
    for (;;) {
      const res = await api.get<Job>(`/jobs/${enc(jobId)}`);
      const now = Date.now();
      if (res.status === 200) {
        errors = 0;
        const j = res.body;
        if (!last || last.status !== j.status || done(last) !== done(j)) {
          lastChange = now;
          stallWarnings = 0;
        }
        last = j;
        progress.update(done(j), j.total, `${j.status}, ${j.failed} failed`);
        if (FINISHED.has(j.status)) return { job: j, timedOut: false };
        // one warning per full stall period without progress
        const stalledFor = now - lastChange;
        if (Math.floor(stalledFor / stall) > stallWarnings) {
          stallWarnings = Math.floor(stalledFor / stall);
          progress.interrupt();
          out.warn(`job ${jobId} has made no progress for ${describeSeconds(stalledFor)} (${j.status}, ${done(j)}/${j.total} done): `
            + 'is a worker running? (npm start runs one unless RUN_WORKER=false; otherwise npm run worker) Its log says why a job waits.');
        }
      } else if (res.status === 404 || ++errors >= MAX_POLL_ERRORS) {
        throw new CliError(EXIT.failures, `cannot follow job ${jobId}: ${describeProblem(problemOf(res))}`);
      }
      const left = wait.timeoutMs === undefined ? Infinity : wait.timeoutMs - (Date.now() - started);
      if (left <= 0) {
        if (!last) throw new CliError(EXIT.failures, `cannot follow job ${jobId}: no answer within --timeout`);
        return { job: last, timedOut: true };
      }
      await sleep(Math.min(wait.intervalMs, left));
    }
  } finally {
    progress.done();
  }
}

/** What `--wait` prints at the end, and its exit code. */
export function reportJob(ctx: Context, { job, timedOut }: { job: Job; timedOut: boolean }, [noun, succeeded]: [string, string], timeoutMs?: number) {
  const { out } = ctx;
  if (timedOut) {
    out.warn(`gave up waiting after ${describeSeconds(timeoutMs ?? 0)}: job ${job.id} is ${job.status} (${done(job)}/${job.total} done); `
      + `it goes on in the background: attendant jobs get ${job.id} --wait`);
  } else {
    out.line(`job ${job.id} ${job.status}: ${job.total} ${noun}, ${job.succeeded} ${succeeded}, ${job.failed} failed`);
    for (const e of job.errors ?? []) out.line(`  ${describeJobError(e)}`);
  }
  return !timedOut && job.status === 'succeeded' && job.failed === 0 ? EXIT.ok : EXIT.failures;
}

export const jobsGet: Command = {
  usage: `jobs get JOB_ID ${WAIT_USAGE}`,
  summary: "a background job's progress; --wait follows it to the end",
  details: WAIT_DETAILS,
  options: { ...WAIT_OPTIONS },
  async run(ctx, positionals, values) {
    if (positionals.length !== 1) throw usageError('jobs get takes one JOB_ID');
    const jobId = positionals[0]!;
    const wait = waitOptions(values);
    if (wait) {
      const followed = await followJob(ctx, jobId, wait);
      const code = reportJob(ctx, followed, ['items', 'succeeded'], wait.timeoutMs);
      ctx.out.result({ job: followed.job, timedOut: followed.timedOut });
      return code;
    }
    const res = await ctx.api.get<Job>(`/jobs/${enc(jobId)}`);
    if (res.status !== 200) throw new CliError(EXIT.failures, `cannot read job ${jobId}: ${describeProblem(problemOf(res))}`);
    const j = res.body;
    ctx.out.line(`job ${j.id} (${j.kind}) ${j.status}: ${done(j)}/${j.total} done, ${j.succeeded} succeeded, ${j.failed} failed`);
    for (const e of j.errors ?? []) ctx.out.line(`  ${describeJobError(e)}`);
    ctx.out.result({ job: j });
    return EXIT.ok;
  },
};
