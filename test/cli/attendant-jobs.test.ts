// --wait against the real service: a bulk reset with no worker running makes no progress, so
// the CLI says so (ATTENDANT_STALL_SECONDS stands in for the minute) and gives up at --timeout
// with exit 1, naming the whole job ID; once a worker runs, `jobs get --wait` follows the same
// job to its end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOutboxWorker } from '../../src/worker.js';
import { cli, serveWithOwnDatabase, spawnCli, type Served } from '../support/cli.js';
import { BOOTSTRAP_KEY, provision, type Provisioned } from '../support/harness.js';

let s: Served;
let p: Provisioned;
let worker: ReturnType<typeof buildOutboxWorker> | undefined;
beforeAll(async () => {
  s = await serveWithOwnDatabase(); // no worker: jobs stay queued until the test starts one
  p = await provision(s.h, { users: 3 });
});
afterAll(async () => {
  await worker?.stop();
  await s?.close();
});

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('--wait', () => {
  let jobId: string;

  it('warns when the job makes no progress, gives up at --timeout (exit 1) and names the whole job ID', async () => {
    const started = Date.now();
    const r = await cli(['resets', 'run', '--tenant', p.tenant.id, '--all', '--no-send-email', '--wait', '--timeout', '2.5', '--interval', '0.2', '--json'],
      { url: s.url, env: { ATTENDANT_STALL_SECONDS: '1' } });
    const took = Date.now() - started;
    expect(r.code, r.stderr).toBe(1);
    jobId = r.json.jobId;
    expect(jobId).toMatch(new RegExp(`^${UUID}$`));
    expect(r.json).toMatchObject({ started: true, timedOut: true, job: { id: jobId, status: 'queued', total: 3, succeeded: 0 } });
    expect(took).toBeGreaterThanOrEqual(2_500);
    expect(took).toBeLessThan(6_000);
    // stderr: the warning after each full second without progress, and the reason for giving up
    const stalls = r.stderr.split('\n').filter((l) => l.includes('has made no progress'));
    expect(stalls.length).toBeGreaterThanOrEqual(2);
    expect(stalls[0]).toBe(`attendant: job ${jobId} has made no progress for 1 s (queued, 0/3 done): is a worker running? (npm start runs one unless RUN_WORKER=false; otherwise npm run worker) Its log says why a job waits.`);
    expect(r.stderr).toContain(`attendant: gave up waiting after 3 s: job ${jobId} is queued (0/3 done); it goes on in the background: attendant jobs get ${jobId} --wait`);
  });

  it('progress lines carry the whole job ID; without --json the same ending', async () => {
    const r = await cli(['jobs', 'get', jobId, '--wait', '--timeout', '0.5', '--interval', '0.1'], { url: s.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`job ${jobId} 0/3 queued, 0 failed\n`);
    expect(r.stderr).toMatch(/gave up waiting after 1 s/); // 0.5 s, rounded
    expect(r.stderr).not.toMatch(/no progress/); // under a minute
    expect(r.stdout).toBe('');
  });

  it('jobs get without --wait reads the job at once', async () => {
    const r = await cli(['jobs', 'get', jobId, '--json'], { url: s.url });
    expect(r.code).toBe(0);
    expect(r.json.job).toMatchObject({ id: jobId, status: 'queued', total: 3 });
    const missing = await cli(['jobs', 'get', '00000000-0000-4000-8000-000000000000'], { url: s.url });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read job .*404/);
  });

  it('once a worker runs, jobs get --wait follows the job to success (exit 0)', async () => {
    worker = buildOutboxWorker(s.h.services, { mailer: null, idlePollMs: 50 });
    worker.worker.start();
    const r = await cli(['jobs', 'get', jobId, '--wait', '--timeout', '60', '--interval', '0.2'], { url: s.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`job ${jobId} 3/3 succeeded, 0 failed`);
    expect(r.stdout).toBe(`job ${jobId} succeeded: 3 items, 3 succeeded, 0 failed\n`);
    const read = await cli(['jobs', 'get', jobId, '--wait', '--json'], { url: s.url });
    expect(read.json).toMatchObject({ timedOut: false, job: { id: jobId, status: 'succeeded', total: 3, succeeded: 3, failed: 0 } });
  });

  it('bad --timeout and --interval values, or --timeout without --wait, exit 2', async () => {
    const run = (...extra: string[]) => cli(['jobs', 'get', jobId, ...extra], { url: s.url });
    expect((await run('--timeout', '5')).code).toBe(2);
    expect((await run('--wait', '--timeout', 'soon')).code).toBe(2);
    expect((await run('--wait', '--timeout', '0')).code).toBe(2);
    expect((await run('--wait', '--interval', '-1')).code).toBe(2);
    expect((await cli(['jobs', 'get', jobId, '--wait'], { url: s.url, env: { ATTENDANT_STALL_SECONDS: 'never' } })).code).toBe(2);
  });

  it('as a process: --timeout expiring exits 1, stdout holds only the JSON document', async () => {
    await worker?.stop(); // nothing runs the new job
    worker = undefined;
    const started = await cli(['resets', 'run', '--tenant', p.tenant.id, '--all', '--no-send-email', '--json'], { url: s.url });
    const r = await spawnCli(['jobs', 'get', started.json.jobId, '--wait', '--timeout', '1', '--json'], { ATTENDANT_URL: s.url, ATTENDANT_API_KEY: BOOTSTRAP_KEY });
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ timedOut: true, job: { id: started.json.jobId } });
  });
});
