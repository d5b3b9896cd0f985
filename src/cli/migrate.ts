// `npm run migrate`: applies pending migrations (to DATABASE_URL, or the embedded development
// database) and exits: 0 when the schema is current, 1 on failure, 78 on bad configuration.
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logging.js';
import { migrate } from '../store/migrate.js';

try {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let url = config.databaseUrl;
  let close: (() => Promise<void>) | undefined;
  if (!url) {
    const { startEmbeddedDatabase } = await import('../store/embedded.js');
    ({ url, close } = await startEmbeddedDatabase(config, log));
  }
  try {
    const applied = await migrate(url, log);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the schema is up to date\n');
  } finally {
    await close?.();
  }
  process.exit(0);
} catch (err) {
  process.stderr.write(`migrate: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
  process.exit(err instanceof ConfigError ? 78 : 1);
}
