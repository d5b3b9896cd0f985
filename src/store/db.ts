// PostgreSQL access: a pool, plain parameterised queries, and transactions with hooks that run
// just before and just after COMMIT (how the directory learns about a change, see commands).
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logging.js';
import { mapDatabaseError } from './pg-errors.js';
import { withTimeout } from '../lib/timeouts.js';

export { withTimeout };

// int8 (bigint) columns such as versions come back as strings; counts are cast in SQL.
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

type Hook = () => Promise<void> | void;

/** A transaction in progress: queries, plus hooks around COMMIT. */
export class Tx implements Sql {
  readonly #client: pg.PoolClient;
  readonly #prepared: boolean;
  #savepoints = 0;
  readonly beforeCommitHooks: Hook[] = [];
  readonly afterCommitHooks: Hook[] = [];

  constructor(client: pg.PoolClient, { prepared = false }: TransactionOptions = {}) {
    this.#client = client;
    this.#prepared = prepared;
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    if (this.#prepared) return this.#client.query<R>({ name: statementName(text), text, values });
    return this.#client.query<R>(text, values);
  }

  /**
   * Runs `work` inside a SAVEPOINT on the same connection: a throw undoes only its statements
   * and drops the hooks it registered (a unit of a bulk job that fails must not reach the cache).
   */
  async savepoint<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const inner = new Tx(this.#client, { prepared: this.#prepared });
    const name = `unit_${++this.#savepoints}`;
    await this.#client.query(`SAVEPOINT ${name}`);
    try {
      const result = await work(inner);
      await this.#client.query(`RELEASE SAVEPOINT ${name}`);
      this.beforeCommitHooks.push(...inner.beforeCommitHooks);
      this.afterCommitHooks.push(...inner.afterCommitHooks);
      return result;
    } catch (err) {
      await this.#client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    }
  }

  /** Runs after every statement, before COMMIT; a throw rolls the whole change back. */
  beforeCommit(hook: Hook): void {
    this.beforeCommitHooks.push(hook);
  }

  /** Runs once the change is durable; failures are logged, never undo the change. */
  afterCommit(hook: Hook): void {
    this.afterCommitHooks.push(hook);
  }
}

export interface TransactionOptions {
  /**
   * Run every statement as a named prepared statement (cached per connection), which saves
   * PostgreSQL parsing and planning it again. Default: the database's `preparedStatements`.
   */
  prepared?: boolean;
}

const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (statementNames.size < 10_000) statementNames.set(text, name);
  }
  return name;
}

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  /** How long to wait for a connection before calling the database unavailable. */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
  /** The default of TransactionOptions.prepared, and of queries outside a transaction. */
  preparedStatements?: boolean;
}

export class Database implements Sql {
  readonly pool: pg.Pool;
  readonly #prepared: boolean;

  constructor(options: DatabaseOptions, private readonly log: Logger) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
      idleTimeoutMillis: 30_000,
      statement_timeout: options.statementTimeoutMs ?? 10_000,
      query_timeout: (options.statementTimeoutMs ?? 10_000) + 2_000,
      application_name: options.applicationName ?? 'conference-attendant',
    });
    this.#prepared = options.preparedStatements ?? false;
    // An idle client losing its connection must not crash the process.
    this.pool.on('error', (err) => this.log.warn({ err: err.message }, 'idle database connection failed'));
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await (this.#prepared ? this.pool.query<R>({ name: statementName(text), text, values }) : this.pool.query<R>(text, values));
    } catch (err) {
      throw mapDatabaseError(err);
    }
  }

  /** Runs `work` in one transaction; maps database errors to contract errors. */
  async transaction<T>(work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw mapDatabaseError(err);
    }
    const tx = new Tx(client, { prepared: options.prepared ?? this.#prepared });
    let result: T;
    let broken = false;
    // pg-pool listens for errors only on idle clients: a checked-out one whose connection dies
    // emits 'error' with nobody listening, which would crash the process. The query in flight
    // fails anyway; here the connection is only marked as not to be reused.
    const onLost = (err: Error) => {
      broken = true;
      this.log.warn({ err: err.message }, 'database connection lost during a transaction');
    };
    client.on('error', onLost);
    const release = () => {
      client.off('error', onLost);
      client.release(broken);
    };
    try {
      await client.query('BEGIN');
      result = await work(tx);
      for (const hook of tx.beforeCommitHooks) await hook();
      await client.query('COMMIT');
    } catch (err) {
      if (!broken) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is gone; do not return it to the pool
        }
      }
      release();
      throw mapDatabaseError(err);
    }
    release();
    for (const hook of tx.afterCommitHooks) {
      try {
        await hook();
      } catch (err) {
        this.log.error({ err }, 'after-commit hook failed');
      }
    }
    return result;
  }

  async ping(timeoutMs = 1000): Promise<void> {
    await withTimeout(this.query('SELECT 1'), timeoutMs, 'database ping');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
