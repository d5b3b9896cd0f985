// Carries out the fault schedule (fault-plan.ts) on the run's private servers and proxies only,
// and records each fault with the interval it was in force and what it took away from which
// instance (the checker needs that to judge an apology). Every fault heals itself; `healAll`
// is the safety net before the final checks.
import { execFile } from 'node:child_process';
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PrivateRedis } from '../support/private-services.js';
import type { Deployment } from './cluster.js';
import type { RunContext } from './clients.js';
import type { PlannedFault } from './fault-plan.js';
import { nowMs, type Affects } from './history.js';
import type { Prng } from './prng.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** redis-cli without blocking the harness's event loop (PrivateRedis.cli is synchronous). */
async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 10_000 });
  return stdout.trim();
}

/** A Lua busy loop: Redis answers nobody for `ms` (a slow command, a stalled server). */
const BUSY = (ms: number) => `local s=redis.call('TIME') local t0=s[1]*1e6+s[2] repeat local n=redis.call('TIME') until n[1]*1e6+n[2]-t0 >= ${ms * 1000} return 1`;

interface Done { detail: string; redis: Affects; pg: Affects }

export class FaultInjector {
  /** Cluster nodes killed and not yet started again (never asked for the topology). */
  readonly #down = new Set<PrivateRedis>();
  readonly #paused = new Set<PrivateRedis>();
  #snapshotSaved = false;

  constructor(private readonly ctx: RunContext, private readonly d: Deployment, private readonly bridgeId: string, private readonly prng: Prng) {}

  /** Runs every lane of `plans` from `windowStart` (epoch ms); resolves when all have ended. */
  async run(plans: PlannedFault[], windowStart: number, windowEnd: number): Promise<void> {
    const lanes = new Map<string, PlannedFault[]>();
    for (const p of plans) lanes.set(p.lane, [...(lanes.get(p.lane) ?? []), p]);
    await Promise.all([...lanes.values()].map(async (lane) => {
      for (const p of lane) {
        await sleep(windowStart + p.atMs - nowMs());
        if (nowMs() + p.durationMs > windowEnd) continue; // an earlier fault of the lane ran late
        await this.#one(p);
      }
    }));
  }

  async #one(p: PlannedFault): Promise<void> {
    const startMs = nowMs();
    let done: Done;
    try {
      done = await this.#inject(p);
    } catch (err) {
      // Only the servers: proxies and instances may be in another lane's fault right now.
      await this.#healServers().catch(() => undefined);
      done = { detail: `failed: ${(err as Error).message}`, redis: 'all', pg: 'all' };
    }
    this.ctx.history.add({ type: 'fault', fault: p.kind, startMs, endMs: nowMs(), ...done });
  }

  async #inject(p: PlannedFault): Promise<Done> {
    const until = nowMs() + p.durationMs;
    const none: Affects = 'none';
    switch (p.kind) {
      case 'pg-cut': {
        const proxy = this.d.pgProxies.get(p.instance!)!;
        await proxy.cut();
        await sleep(until - nowMs());
        await proxy.restore();
        return { detail: `instance ${p.instance} cut from PostgreSQL for ${p.durationMs} ms`, redis: none, pg: [p.instance!] };
      }
      case 'redis-partition': {
        const proxy = this.d.redisProxies.get(p.instance!)!;
        await proxy.cut();
        await sleep(until - nowMs());
        await proxy.restore();
        return { detail: `instance ${p.instance} cut from Redis for ${p.durationMs} ms`, redis: [p.instance!], pg: none };
      }
      case 'instance-restart': {
        const inst = this.d.instance(p.instance!);
        if (!inst.live || !this.d.live().some((i) => i !== inst)) return { detail: `restart of ${inst.name} skipped: not both instances are live`, redis: none, pg: none };
        const t0 = nowMs();
        await inst.stop();
        const t1 = nowMs();
        await inst.start();
        return { detail: `instance ${inst.name} stopped (SIGTERM) in ${Math.round(t1 - t0)} ms, started again in ${Math.round(nowMs() - t1)} ms`, redis: none, pg: none };
      }
      case 'redis-flush':
      case 'redis-flush-burst': {
        const node = this.d.cluster ? this.d.cluster.ownerOf(this.#slot(p), this.#via()).master : this.d.redis!;
        return this.#flush(p, until, node);
      }
      default:
        return this.d.cluster ? this.#clusterFault(p, until) : this.#redisFault(p, until);
    }
  }

  /**
   * FLUSHALL once or in a burst. The server stays up, but what it held (and the trust markers)
   * is gone until a rebuild: for the checker that takes Redis away. A flush that finds the
   * server down (another fault) is skipped.
   */
  async #flush(p: PlannedFault, until: number, node: PrivateRedis): Promise<Done> {
    let n = 0;
    do {
      if (await cli(node.port, 'FLUSHALL').then(() => true, () => false)) n++;
      if (p.kind === 'redis-flush') break;
      await sleep(this.prng.exp(250));
    } while (nowMs() < until);
    return { detail: `${n} FLUSHALL${n === 1 ? '' : 's'} on :${node.port}${p.kind === 'redis-flush' ? '' : ` over ${p.durationMs} ms`}`, redis: 'all', pg: 'none' };
  }

  /** SAVE now and keep the file aside as the stale snapshot a later fault restores. */
  async #saveSnapshot(redis: PrivateRedis): Promise<void> {
    await cli(redis.port, 'SAVE');
    renameSync(path.join(redis.dir, 'dump.rdb'), path.join(redis.dir, 'stale.rdb'));
    this.#snapshotSaved = true;
  }

  async #redisFault(p: PlannedFault, until: number): Promise<Done> {
    const redis = this.d.redis!;
    const all: Affects = 'all';
    // The stale snapshot is refreshed now and then, so that its age varies.
    if (!this.#snapshotSaved || this.prng.chance(0.25)) await this.#saveSnapshot(redis);
    switch (p.kind) {
      case 'redis-kill':
        await redis.kill();
        rmSync(path.join(redis.dir, 'dump.rdb'), { force: true }); // comes back empty
        await sleep(until - nowMs());
        await redis.start();
        return { detail: `redis killed, down ${p.durationMs} ms, restarted empty`, redis: all, pg: 'none' };
      case 'redis-stale-snapshot':
        await redis.kill();
        await sleep(until - nowMs());
        copyFileSync(path.join(redis.dir, 'stale.rdb'), path.join(redis.dir, 'dump.rdb'));
        await redis.start();
        rmSync(path.join(redis.dir, 'dump.rdb'), { force: true });
        return { detail: 'redis killed and restarted from an older snapshot', redis: all, pg: 'none' };
      case 'redis-pause':
        redis.pause();
        await sleep(until - nowMs());
        redis.resume();
        return { detail: `redis hung (SIGSTOP) for ${p.durationMs} ms`, redis: all, pg: 'none' };
      default:
        return this.#slow(p, until, redis, p.kind === 'redis-slow-flush' ? 500 : 0);
    }
  }

  /**
   * Slow commands: busy scripts of 60-250 ms (one length per fault), one after another, for the
   * fault's duration. Below the service's 300 ms command deadline most commands still succeed,
   * only late: a directory rebuild stretches over seconds while changes land inside it. With
   * `flushEveryMs`, a FLUSHALL now and then as well (a slow Redis an operator flushes): the
   * loss a rebuild must notice before it marks the bridge trusted.
   */
  async #slow(p: PlannedFault, until: number, node: PrivateRedis, flushEveryMs = 0): Promise<Done> {
    const busyMs = this.prng.int(60, 250);
    let n = 0;
    let flushes = 0;
    let nextFlush = nowMs() + (flushEveryMs ? this.prng.exp(flushEveryMs) : Infinity);
    while (nowMs() < until) {
      await cli(node.port, 'EVAL', BUSY(busyMs), '0').catch(() => undefined);
      n++;
      if (nowMs() >= nextFlush) {
        if (await cli(node.port, 'FLUSHALL').then(() => true, () => false)) flushes++;
        nextFlush = nowMs() + this.prng.exp(flushEveryMs);
      }
      await sleep(this.prng.int(0, 120));
    }
    return { detail: `${n} busy scripts of ${busyMs} ms${flushEveryMs ? ` and ${flushes} FLUSHALLs` : ''} on :${node.port}`, redis: 'all', pg: 'none' };
  }

  // ---- Redis Cluster ----------------------------------------------------------------------------

  #slot(p: PlannedFault): number {
    const slots = this.d.slots(this.bridgeId);
    return p.slot === 'numbers' ? slots.numbers : slots.bridge;
  }

  #via(): PrivateRedis {
    return this.d.cluster!.nodes.find((n) => !this.#down.has(n) && !this.#paused.has(n))!;
  }

  async #clusterFault(p: PlannedFault, until: number): Promise<Done> {
    const cluster = this.d.cluster!;
    const { master, replicas } = cluster.ownerOf(this.#slot(p), this.#via());
    const where = `the ${p.slot ?? 'bridge'} master :${master.port}`;
    switch (p.kind) {
      case 'cluster-failover': {
        const replica = replicas[0];
        if (!replica) return { detail: `no replica of ${where}: failover skipped`, redis: 'none', pg: 'none' };
        await master.kill();
        this.#down.add(master);
        await cli(replica.port, 'CLUSTER', 'FAILOVER', 'TAKEOVER');
        await cluster.waitUntil((t) => t.some((n) => n.port === replica.port && n.master), replica);
        await sleep(until - nowMs());
        await master.start();
        this.#down.delete(master);
        await cluster.waitUntil((t) => t.some((n) => n.port === master.port && !n.master), replica);
        return { detail: `${where} killed, replica :${replica.port} promoted (TAKEOVER); old master back as a replica`, redis: 'all', pg: 'none' };
      }
      case 'cluster-master-pause': {
        master.pause();
        this.#paused.add(master);
        await sleep(until - nowMs());
        master.resume();
        this.#paused.delete(master);
        await cluster.waitUntil(() => true, this.#via());
        return { detail: `${where} hung (SIGSTOP) for ${p.durationMs} ms`, redis: 'all', pg: 'none' };
      }
      case 'cluster-master-restart-empty': {
        await master.kill();
        this.#down.add(master);
        await sleep(until - nowMs());
        await master.start();
        this.#down.delete(master);
        await cluster.waitUntil(() => true, this.#via());
        return { detail: `${where} killed and restarted after ${p.durationMs} ms`, redis: 'all', pg: 'none' };
      }
      default:
        return this.#slow(p, until, master, p.kind === 'redis-slow-flush' ? 500 : 0);
    }
  }

  /** Undoes anything a failed fault may have left: every proxy open, every server and instance running. */
  async healAll(): Promise<void> {
    for (const p of [...this.d.pgProxies.values(), ...this.d.redisProxies.values()]) await p.restore();
    await this.#healServers();
    for (const i of this.d.instances) if (!i.live) await i.start();
  }

  /** Every Redis server running and answering. */
  async #healServers(): Promise<void> {
    if (this.d.redis) {
      this.d.redis.resume();
      if (!(await cli(this.d.redis.port, 'PING').catch(() => ''))) {
        rmSync(path.join(this.d.redis.dir, 'dump.rdb'), { force: true });
        await this.d.redis.start();
      }
    }
    for (const n of this.#paused) n.resume();
    this.#paused.clear();
    for (const n of this.#down) await n.start();
    this.#down.clear();
  }
}
