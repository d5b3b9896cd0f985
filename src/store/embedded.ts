// The embedded development database (PGlite: PostgreSQL compiled to WebAssembly) for `npm start`
// without DATABASE_URL. It is served on a loopback port through pglite-socket, so the rest of
// the service talks to it with the same `pg` pool and SQL as to a real server.
//
// PGlite is one backend: embedded-server.ts multiplexes connections onto it, one query (or one
// whole transaction) at a time. That is plenty for one developer, and never for production
// (config.ts refuses NODE_ENV=production without DATABASE_URL).
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';

export interface EmbeddedDatabase {
  url: string;
  /** True when this start created the data directory (nothing was there before). */
  created: boolean;
  close: () => Promise<void>;
}

export async function startEmbeddedDatabase(config: Config, log: Logger): Promise<EmbeddedDatabase> {
  if (config.env === 'production') throw new Error('the embedded database is for development only; set DATABASE_URL');
  const dir = path.resolve(config.dataDir, 'pglite');
  await mkdir(path.dirname(dir), { recursive: true });
  const releaseLock = await lockDataDir(`${dir}.lock`);
  try {
    const [{ PGlite }, { pg_trgm }, { btree_gist }, { serveEmbedded }] = await Promise.all([
      import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm'), import('@electric-sql/pglite/contrib/btree_gist'),
      import('./embedded-server.js'),
    ]);
    const created = !(await exists(path.join(dir, 'PG_VERSION')));
    const started = Date.now();
    // pg_trgm and btree_gist: the user search's indexes (migrations/0010 and 0015); PGlite only
    // offers an extension when it is loaded
    const db = await PGlite.create({ dataDir: dir, extensions: { pg_trgm, btree_gist } });
    // The pool, the migration client and tools each hold a connection; leave room.
    const server = await serveEmbedded(db, config.databasePoolSize * 2 + 4);
    const url = server.url;
    log.warn(
      { dataDir: dir, ms: Date.now() - started },
      'DATABASE_URL is not set: using an embedded PostgreSQL (PGlite) on a loopback port, persisted in DATA_DIR (development only, one process)',
    );
    return {
      url,
      created,
      async close() {
        await server.close().catch(() => undefined);
        await db.close().catch(() => undefined);
        await releaseLock();
      },
    };
  } catch (err) {
    await releaseLock();
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

/** Another process has the folder open: an expected refusal, reported in one line (main.ts). */
export class DataDirInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirInUseError';
  }
}

/** Folders this process has open (a lock file with our own pid may be a previous life's). */
const openHere = new Set<string>();

/**
 * PGlite does not guard its directory: two processes writing it would corrupt it. A lock file
 * holds the owner's pid; a lock whose process is gone is taken over.
 */
async function lockDataDir(lockFile: string): Promise<() => Promise<void>> {
  if (openHere.has(lockFile)) throw new Error(`the embedded database in ${path.dirname(lockFile)} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      openHere.add(lockFile);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        openHere.delete(lockFile);
        await rm(lockFile, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirInUseError(`the embedded database in ${path.dirname(lockFile)} is in use by process ${pid} (is the service already running?); stop that process, or set DATA_DIR to another folder`);
      }
      await rm(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
