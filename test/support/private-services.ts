// Private Redis servers (and a Redis Cluster) and private databases for tests that stop,
// restart or block a dependency. Never used on the shared services.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { silentLogger } from '../../src/logging.js';
import { migrate } from '../../src/store/migrate.js';

export const freePort = () => new Promise<number>((resolve, reject) => {
  const s = net.createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const port = (s.address() as net.AddressInfo).port;
    s.close(() => resolve(port));
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForPort(port: number, up: boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const open = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); r(true); });
      c.on('error', () => r(false));
    });
    if (open === up) return;
    await sleep(50);
  }
  throw new Error(`port ${port} did not become ${up ? 'open' : 'closed'} in ${ms} ms`);
}

/** A redis-server of the test's own, which it may kill, restart, or restart from a snapshot. */
export class PrivateRedis {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'test-redis-'));
  #proc: ChildProcess | null = null;

  private constructor(readonly port: number, private readonly extraArgs: string[]) {}

  static async start(extraArgs: string[] = []): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), extraArgs);
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server; it loads `dump.rdb` from its folder if one was saved. */
  async start(): Promise<void> {
    // a replica's sync starts at once rather than after Redis's default 5 s wait for more replicas
    this.#proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--appendonly', 'no', '--save', '', '--dir', this.dir, '--dbfilename', 'dump.rdb', '--repl-diskless-sync-delay', '0', ...this.extraArgs], { stdio: 'ignore' });
    await waitForPort(this.port, true);
  }

  cli(...args: string[]): string {
    return execFileSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' }).trim();
  }

  /** Kills the server abruptly (like a crash): everything in memory is lost. */
  async kill(): Promise<void> {
    const p = this.#proc;
    this.#proc = null;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGCONT'); // a paused server must run to die
    await new Promise((r) => { p.once('exit', r); p.kill('SIGKILL'); });
    await waitForPort(this.port, false);
  }

  /**
   * Waits until `replica` has applied everything this server has written so far. (WAIT from
   * redis-cli proves nothing: its own connection wrote nothing. And after a diskless full sync a
   * master streams nothing until the replica's first REPLCONF ACK, up to a second later, though
   * the replica already says its link is up.)
   */
  async waitForReplica(replica: PrivateRedis, ms = 10_000): Promise<void> {
    const offset = (server: PrivateRedis, field: string) => Number(new RegExp(`${field}:(\\d+)`).exec(server.cli('info', 'replication'))?.[1] ?? -1);
    const target = offset(this, 'master_repl_offset');
    const end = Date.now() + ms;
    while (offset(replica, 'slave_repl_offset') < target) {
      if (Date.now() > end) throw new Error(`replica :${replica.port} did not reach offset ${target} of :${this.port} in ${ms} ms`);
      await sleep(20);
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, like a hung host. */
  pause(): void {
    this.#proc?.kill('SIGSTOP');
  }

  resume(): void {
    this.#proc?.kill('SIGCONT');
  }

  /** Starts again from `dump.rdb` in its folder, if one was saved (old data comes back). */
  async restartFromSnapshot(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One line of CLUSTER NODES: a node, its role, and (for a master) the slot ranges it serves. */
export interface ClusterNode { id: string; port: number; master: boolean; masterId: string | null; slots: [number, number][] }

/** A local Redis Cluster of three masters on private ports, each with `replicas` replicas. */
export class PrivateCluster {
  private constructor(readonly nodes: PrivateRedis[]) {}

  static async start({ replicas = 0 } = {}): Promise<PrivateCluster> {
    const nodes: PrivateRedis[] = [];
    for (let i = 0; i < 3 * (1 + replicas); i++) {
      const port = await freePort();
      nodes.push(await PrivateRedis.start(['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000']));
    }
    execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'], { stdio: 'ignore' });
    const cluster = new PrivateCluster(nodes);
    // every replica attached and done with its first sync
    await cluster.waitUntil((topology) => {
      const attached = topology.filter((n) => !n.master && n.masterId);
      return attached.length === 3 * replicas && attached.every((n) => cluster.node(n.port).cli('info', 'replication').includes('master_link_status:up'));
    });
    return cluster;
  }

  get addresses(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  }

  /** The cluster as `via` (default: the first running node) sees it. */
  topology(via: PrivateRedis = this.nodes[0]!): ClusterNode[] {
    return via.cli('cluster', 'nodes').split('\n').filter(Boolean).map((line) => {
      const [id, address, flags, masterId, , , , , ...ranges] = line.split(' ');
      return {
        id: id!,
        port: Number(/:(\d+)@/.exec(address!)![1]),
        master: flags!.split(',').includes('master'),
        masterId: masterId === '-' ? null : masterId!,
        slots: ranges.filter((r) => /^\d/.test(r)).map((r) => {
          const [a, b] = r.split('-').map(Number);
          return [a!, b ?? a!] as [number, number];
        }),
      };
    });
  }

  /** The master serving `slot`, and its replicas. */
  ownerOf(slot: number, via?: PrivateRedis): { master: PrivateRedis; replicas: PrivateRedis[] } {
    const topology = this.topology(via);
    const owner = topology.find((n) => n.master && n.slots.some(([a, b]) => slot >= a && slot <= b));
    if (!owner) throw new Error(`no master serves slot ${slot}`);
    return { master: this.node(owner.port), replicas: topology.filter((n) => n.masterId === owner.id).map((n) => this.node(n.port)) };
  }

  node(port: number): PrivateRedis {
    return this.nodes.find((n) => n.port === port)!;
  }

  /** Waits until the cluster is in state ok and `condition` holds for its topology (15 s at most). */
  async waitUntil(condition: (topology: ClusterNode[]) => boolean = () => true, via: PrivateRedis = this.nodes[0]!): Promise<void> {
    const end = Date.now() + 15_000;
    while (!(via.cli('cluster', 'info').includes('cluster_state:ok') && condition(this.topology(via)))) {
      if (Date.now() > end) throw new Error('the test cluster did not reach the expected state');
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A database of the test's own (migrated), which it may refuse connections to. */
export class PrivateDatabase {
  private constructor(readonly name: string, readonly url: string) {}

  static async create(): Promise<PrivateDatabase> {
    const name = `attendant_fault_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    await migrate(u.toString(), silentLogger);
    return new PrivateDatabase(name, u.toString());
  }

  /** New connections are refused and existing ones are cut: the database is "down". */
  async refuseConnections(): Promise<void> {
    await adminQuery(`ALTER DATABASE ${this.name} ALLOW_CONNECTIONS false`);
    await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${this.name}' AND pid <> pg_backend_pid()`);
  }

  async allowConnections(): Promise<void> {
    await adminQuery(`ALTER DATABASE ${this.name} ALLOW_CONNECTIONS true`);
  }

  async drop(): Promise<void> {
    await this.allowConnections().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
  }
}

/** The run's shared test database URL (for tests that only need isolation by tenant). */
export const sharedDatabaseUrl = () => inject('databaseUrl');
