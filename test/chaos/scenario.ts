// One chaos run from start to finish: deploy, provision, run the workload and the fault
// schedule together, heal and settle, take the final snapshot and calls, check the history.
// Everything it starts is stopped again (and the database dropped) whatever happens.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { check, type Violation } from './checker.js';
import { Deployment } from './cluster.js';
import type { RunContext } from './clients.js';
import { planFaults } from './fault-plan.js';
import { FaultInjector } from './faults.js';
import { finalPhase, type FinalOptions } from './final.js';
import { History, nowMs, type HistoryEntry } from './history.js';
import { Prng } from './prng.js';
import { summarize } from './report.js';
import { provision, type SetupOptions } from './setup.js';
import { runWorkload, type WorkloadOptions } from './workload.js';

export interface ChaosOptions {
  seed: number;
  durationS: number;
  variant: 'single' | 'cluster';
  /** Where the history and instance logs go (default: the OS temp folder). */
  outDir?: string;
  setup?: Partial<SetupOptions>;
  workload?: Partial<WorkloadOptions>;
  final?: Partial<FinalOptions>;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Told the deployment as soon as it exists, so a test can tear it down if the run is cut short. */
  onDeployment?: (d: Deployment) => void;
}

export interface ChaosResult {
  seed: number;
  historyFile: string;
  entries: HistoryEntry[];
  violations: Violation[];
  summary: string;
}

/** Faults start this long after the workload and heal this long before it ends. */
const FAULTS_FROM_MS = 1000;
const FAULTS_HEAL_BEFORE_END_MS = 4000;

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => undefined);
  const prng = new Prng(o.seed);
  // The tag only names private resources; it does not steer any choice.
  const tag = `${o.seed}_${randomBytes(3).toString('hex')}`;
  const dir = o.outDir ?? os.tmpdir();
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `chaos-${o.variant}-${tag}`);
  const history = new History(`${base}.jsonl`);
  const deployment = new Deployment({ variant: o.variant, logPrefix: base, tag }, prng.fork('deployment'));
  const durationMs = o.durationS * 1000;
  o.onDeployment?.(deployment);
  try {
    log(`seed ${o.seed}: starting PostgreSQL database, ${o.variant === 'cluster' ? 'Redis Cluster' : 'Redis'}, proxies and two instances (logs ${base}.*.log)`);
    await deployment.start();
    deployment.supervise((i, exit, lastOutput) => history.add({ type: 'crash', instance: i.name, atMs: nowMs(), exit, lastOutput }));
    const ctx: RunContext = { deployment, history, phase: 'setup' };
    const { model, filler } = await provision(ctx, prng.fork('setup'), {
      staticUsers: 10, chosenIdUsers: 3, dynamicUsers: 3, meetingsPerDynamicUser: 2, fillerMeetings: 0, historyIds: 0, ...o.setup,
    });
    log(`seed ${o.seed}: provisioned; workload and faults for ${o.durationS} s`);

    ctx.phase = 'workload';
    const start = nowMs();
    history.add({ type: 'meta', seed: o.seed, variant: o.variant, durationS: o.durationS, startedMs: start, instances: deployment.instances.map((i) => i.name) });
    const window = durationMs - FAULTS_FROM_MS - FAULTS_HEAL_BEFORE_END_MS;
    const plans = planFaults(prng.fork('faults'), o.variant, window, deployment.instances.map((i) => i.name));
    const injector = new FaultInjector(ctx, deployment, model.bridgeId, prng.fork('injector'));
    const bulkAt = (durationMs >= 60_000 ? [0.25, 0.55] : [0.35]).map((f) => Math.round(durationMs * (f + prng.next() * 0.1)));
    await Promise.all([
      runWorkload(ctx, prng.fork('workload'), model, start + durationMs, {
        callers: 5, callPauseMs: 120, resetters: 3, resetPauseMs: 450, setIdPauseMs: 2500, lifecyclePauseMs: 2500, meetingPauseMs: 1500,
        bulkResetsAtMs: bulkAt, minStaticUsers: 6, ...o.workload,
      }),
      injector.run(plans, start + FAULTS_FROM_MS, start + FAULTS_FROM_MS + window),
    ]);

    log(`seed ${o.seed}: workload over; healing, settling, final checks`);
    await finalPhase(ctx, prng.fork('final'), model, filler, injector, { settleMs: 5000, maxRetired: 200, maxFiller: 60, jobWaitMs: 60_000, ...o.final });
    log(`seed ${o.seed}: final checks done`);
    const violations = check(history.entries);
    return { seed: o.seed, historyFile: history.file!, entries: history.entries, violations, summary: summarize(history.entries, violations, history.file) };
  } finally {
    await deployment.teardown();
  }
}
