// The system under test, all private to one chaos run: a fresh database, a private Redis (or a
// Redis Cluster with replicas), a TCP proxy per instance in front of PostgreSQL (and of the
// single Redis) so that one instance can lose a dependency while the other keeps it, and two
// service processes (`node dist-chaos/src/main.js`, the compiled service as `npm start` runs it,
// built apart from dist/ so that other tests serving dist/ never see it half-written) behind one public URL.
// Nothing here touches the shared PostgreSQL or Redis beyond CREATE/DROP DATABASE.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CacheKeys } from '../../src/cache/keys.js';
import { slotOf } from '../../src/cache/slots.js';
import { createDatabase, databaseUrl, dropDatabase } from '../support/global-setup.js';
import { freePort, PrivateCluster, PrivateRedis } from '../support/private-services.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import type { Prng } from './prng.js';

export const PUBLIC_BASE_URL = 'https://attendant.chaos.test';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PG_PORT = Number(new URL(process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres').port || 5432);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The service tree to run: this repository, or another checkout (CHAOS_SERVICE_ROOT) built the same way. */
export const serviceRoot = () => path.resolve(process.env.CHAOS_SERVICE_ROOT ?? REPO_ROOT);

/** The newest modification time of any file under `dir` (0 when there is none). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Compiles the service into dist-chaos/ (tsc, as `npm run build` does for dist/); a half-finished
 * change there makes it fail, so it is retried. With `ifStale`, skipped when dist-chaos/src/main.js
 * is newer than every file in src/ (the
 * short test in `npm test` then spends its time on the run, not on a build of the same code).
 */
export async function buildService(attempts = 3, { ifStale = false } = {}): Promise<void> {
  const main = path.join(serviceRoot(), 'dist-chaos/src/main.js');
  if (ifStale && existsSync(main) && statSync(main).mtimeMs > newestMtime(path.join(serviceRoot(), 'src'))) return;
  for (let k = 1; ; k++) {
    try {
      execFileSync(process.execPath, [path.join(serviceRoot(), 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', 'dist-chaos'], { cwd: serviceRoot(), stdio: ['ignore', 'ignore', 'pipe'] });
      return;
    } catch (err) {
      if (k >= attempts) throw new Error(`the build of the service failed ${k} times: ${(err as { stderr?: Buffer }).stderr?.toString().slice(-2000)}`);
      await sleep(20_000);
    }
  }
}

/** One service process, restartable on the same port; its output goes to a log file. */
export class Instance {
  child: ChildProcess | null = null;
  /** False while it is being restarted: the "load balancer" sends it nothing. */
  live = false;
  starts = 0;
  /** Told when the process exits without having been stopped (a crash); the last output is given. */
  onCrash: ((exit: string, lastOutput: string) => void) | null = null;
  readonly #log: WriteStream;
  #tail = '';
  #stopping = false;
  /** After `close()` nothing starts again (a supervisor's restart may still be pending). */
  #closed = false;

  constructor(readonly name: string, readonly port: number, private readonly env: Record<string, string>, logFile: string) {
    this.#log = createWriteStream(logFile, { flags: 'a' });
    this.#log.on('error', () => undefined); // output that comes after close() is dropped
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  #starting: Promise<void> | null = null;

  /**
   * Starts the process and waits until it answers /healthz; retried while it exits early (e.g.
   * its database link is cut). A start already under way is joined, not doubled.
   */
  start(ms = 60_000): Promise<void> {
    this.#starting ??= this.#start(ms).finally(() => (this.#starting = null));
    return this.#starting;
  }

  async #start(ms: number): Promise<void> {
    if (this.#closed) return;
    this.#stopping = false;
    const end = Date.now() + ms;
    while (Date.now() < end && !this.#closed) {
      const child = spawn(process.execPath, ['dist-chaos/src/main.js'], {
        cwd: serviceRoot(),
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...this.env, PORT: String(this.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.child = child;
      this.starts++;
      this.#log.write(`--- start #${this.starts} at ${new Date().toISOString()} (pid ${child.pid})\n`);
      for (const stream of [child.stdout!, child.stderr!]) {
        stream.on('data', (d: Buffer) => { if (!this.#log.writableEnded) this.#log.write(d); });
        stream.on('data', (d: Buffer) => (this.#tail = (this.#tail + d.toString()).slice(-2000)));
      }
      child.once('exit', (code, signal) => {
        if (this.child !== child || this.#stopping || !this.live) return;
        this.live = false;
        this.onCrash?.(`${code ?? signal}`, this.#tail);
      });
      while (Date.now() < end && child.exitCode === null && child.signalCode === null) {
        try {
          if ((await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) {
            this.live = true;
            return;
          }
        } catch { /* not listening yet */ }
        await sleep(100);
      }
      this.#log.write(`--- exited during start-up (${child.exitCode ?? child.signalCode})\n`);
      await sleep(1000);
    }
    if (!this.#closed) throw new Error(`instance ${this.name} did not start within ${ms} ms (see its log)`);
  }

  /**
   * Taken out of the "load balancer" first (a deregistration delay, so that no request is being
   * dispatched to it when it closes its idle connections), then SIGTERM (the service drains its
   * requests), then SIGKILL if it has not exited after `ms`.
   */
  async stop(ms = 35_000): Promise<void> {
    this.live = false;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.#stopping = true;
    await sleep(500);
    try {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      if (await Promise.race([exited.then(() => true), sleep(ms).then(() => false)])) return;
      child.kill('SIGKILL');
      await exited;
    } finally {
      this.#stopping = false;
    }
  }

  kill(): void {
    this.#stopping = true;
    this.live = false;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  close(): void {
    this.#closed = true;
    this.kill();
    this.#log.end();
  }
}

export interface DeploymentOptions {
  variant: 'single' | 'cluster';
  /** Where instance logs go (`<prefix>.<instance>.log`). */
  logPrefix: string;
  tag: string;
}

export class Deployment {
  readonly dbName: string;
  readonly adminKey: string;
  readonly authToken: string;
  readonly keyPrefix: string;
  readonly secretsKey: string;
  redis: PrivateRedis | null = null;
  cluster: PrivateCluster | null = null;
  readonly pgProxies = new Map<string, TcpProxy>();
  readonly redisProxies = new Map<string, TcpProxy>();
  readonly instances: Instance[] = [];
  dbUrl = '';

  constructor(readonly options: DeploymentOptions, prng: Prng) {
    this.dbName = `attendant_chaos_${options.tag}`;
    this.adminKey = `chaos-bootstrap-${prng.hex(20)}`;
    this.authToken = prng.hex(16);
    this.keyPrefix = `chaos-${options.tag}:`;
    this.secretsKey = prng.hex(32);
  }

  /** Everything up and both instances answering. On failure, call `teardown()`. */
  async start(): Promise<void> {
    process.once('exit', this.#onExit);
    this.dbUrl = await createDatabase(this.dbName);
    if (this.options.variant === 'cluster') this.cluster = await PrivateCluster.start({ replicas: 1 });
    else this.redis = await PrivateRedis.start();
    for (const name of ['a', 'b']) {
      const pg = await TcpProxy.start(PG_PORT);
      this.pgProxies.set(name, pg);
      const u = new URL(databaseUrl(this.dbName));
      u.port = String(pg.port);
      const env: Record<string, string> = {
        NODE_ENV: 'production', PUBLIC_BASE_URL, DATABASE_URL: u.toString(), REDIS_KEY_PREFIX: this.keyPrefix,
        TWILIO_AUTH_TOKEN: this.authToken, SECRETS_KEY: this.secretsKey, BOOTSTRAP_ADMIN_KEY: this.adminKey,
        // warn: the logs stay small; CHAOS_LOG_LEVEL=info also shows every rebuild and webhook
        LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
        // Thousands of refused entries from the harness's callers (the final checks dial every
        // retired ID at once): neither the abuse limits (per number, withheld, per organizer, the
        // bridge's busy ceiling) nor the alarm's slow-down is what this test is about.
        CALLER_FAILURE_LIMIT: '1000000', WITHHELD_FAILURE_LIMIT: '1000000', BRIDGE_ALARM_DELAY_S: '0',
        BRIDGE_FAILURE_CEILING_PER_MIN: '1000000', PIN_FAILURE_LIMIT_PER_CALLER: '1000000', PIN_FAILURE_LIMIT_PER_ORGANIZER: '1000000',
      };
      if (this.cluster) env.REDIS_CLUSTER_NODES = this.cluster.addresses.map((a) => `${a.host}:${a.port}`).join(',');
      else {
        const rp = await TcpProxy.start(this.redis!.port);
        this.redisProxies.set(name, rp);
        env.REDIS_URL = `redis://127.0.0.1:${rp.port}`;
      }
      this.instances.push(new Instance(name, await freePort(), env, `${this.options.logPrefix}.${name}.log`));
    }
    await Promise.all(this.instances.map((i) => i.start()));
  }

  /**
   * Restarts an instance that exits on its own, as a process supervisor would, after recording
   * the crash (`record`), so that the run goes on and the crash is reported.
   */
  supervise(record: (instance: Instance, exit: string, lastOutput: string) => void): void {
    for (const i of this.instances) {
      i.onCrash = (exit, lastOutput) => {
        record(i, exit, lastOutput);
        void sleep(500).then(() => i.start()).catch(() => undefined);
      };
    }
  }

  live(): Instance[] {
    return this.instances.filter((i) => i.live);
  }

  /**
   * A random live instance ("two instances behind one public URL"); when none is live (a crash
   * during another's restart), any instance, and `routed` says so.
   */
  pick(prng: Prng): Instance {
    return this.route(prng).instance;
  }

  route(prng: Prng): { instance: Instance; routed: boolean } {
    const live = this.live();
    return live.length ? { instance: prng.pick(live), routed: true } : { instance: prng.pick(this.instances), routed: false };
  }

  instance(name: string): Instance {
    return this.instances.find((i) => i.name === name)!;
  }

  /** The Redis Cluster slot of a bridge's directory keys (and of the dial-in numbers). */
  slots(bridgeId: string): { bridge: number; numbers: number } {
    const keys = new CacheKeys(this.keyPrefix);
    return { bridge: slotOf(keys.directoryMarker(bridgeId)), numbers: slotOf(keys.numbersMarker) };
  }

  /**
   * If the harness exits without its teardown (Ctrl-C, a test runner killing it), no process
   * of the run may outlive it: instances are killed and Redis servers shut down, synchronously.
   */
  readonly #onExit = () => {
    for (const i of this.instances) i.kill();
    for (const r of [this.redis, ...(this.cluster?.nodes ?? [])]) {
      if (r) try { execFileSync('redis-cli', ['-p', String(r.port), 'shutdown', 'nosave'], { stdio: 'ignore', timeout: 2000 }); } catch { /* gone already */ }
    }
  };

  /** Stops everything and drops the database; safe to call twice and after a failed start. */
  async teardown(): Promise<void> {
    process.removeListener('exit', this.#onExit);
    for (const i of this.instances) i.close();
    await Promise.all(this.instances.map((i) => i.child && i.child.exitCode === null && i.child.signalCode === null
      ? new Promise((r) => { i.child!.once('exit', r); setTimeout(r, 5000); }) : undefined));
    for (const p of [...this.pgProxies.values(), ...this.redisProxies.values()]) await p.cut();
    await this.redis?.stop().catch(() => undefined);
    await this.cluster?.stop().catch(() => undefined);
    if (this.dbUrl && !process.env.KEEP_CHAOS_DATABASE) await dropDatabase(this.dbName).catch(() => undefined);
  }
}
