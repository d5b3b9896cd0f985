// `npm run directory:rebuild [-- bridgeId...]`: refills the Redis directory from PostgreSQL
// (every bridge and the dial-in numbers by default) and marks it trusted. Safe at any time:
// every write is a compare-and-set, so it never replaces a newer value.
import { loadConfigOrExit } from '../config.js';
import { createLogger } from '../logging.js';
import { allBridgeIds } from '../store/bridges.js';
import { buildServices, connectCache } from '../wiring.js';

const config = loadConfigOrExit('directory:rebuild');
const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
if (!config.databaseUrl || config.redis.kind === 'memory') {
  process.stderr.write('directory:rebuild needs DATABASE_URL and REDIS_URL (or REDIS_CLUSTER_NODES)\n');
  process.exit(2);
}
const cache = await connectCache(config, log);
const s = buildServices(config, log, config.databaseUrl, cache);
let failed = false;
try {
  const wanted = process.argv.slice(2);
  const bridges = wanted.length ? wanted : await allBridgeIds(s.db);
  const results = [await s.directory.rebuilder.rebuildNumbers()];
  for (const id of bridges) results.push(await s.directory.rebuilder.rebuildBridge(id));
  for (const r of results) {
    process.stdout.write(`${r.completed ? 'rebuilt' : 'skipped'}  ${r.scope}  ${r.written} entries  ${r.ms} ms${r.completed ? '' : '  (another instance holds the rebuild lock, or Redis changed meanwhile)'}\n`);
    failed ||= !r.completed;
  }
} catch (err) {
  process.stderr.write(`directory:rebuild failed: ${(err as Error).message}\n`);
  failed = true;
} finally {
  await s.db.close();
  await cache.close();
}
process.exit(failed ? 1 : 0);
