// `npm run worker`: the outbox worker alone (emails, meeting migration, bulk jobs, the
// expired-ID sweeper), for deployments that run it apart from the HTTP instances
// (then start those with RUN_WORKER=false). Stops cleanly on SIGTERM/SIGINT.
import { loadConfigOrExit } from './config.js';
import { createProcessLogger } from './logging.js';
import { buildOutboxWorker } from './worker.js';
import { migrateWhenReachable } from './store/migrate.js';
import { buildServices, connectCache } from './wiring.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit('conference-attendant worker');
  const log = createProcessLogger(config.logLevel, { role: 'worker' });
  if (!config.databaseUrl) {
    process.stderr.write('conference-attendant worker: DATABASE_URL is required (the embedded database belongs to `npm start`)\n');
    process.exit(78);
  }
  if (config.secretsKey.ephemeral) log.warn('SECRETS_KEY is not set: PIN emails queued by other processes cannot be opened here');
  await migrateWhenReachable(config.databaseUrl, log);
  const cache = await connectCache(config, log);
  const services = buildServices(config, log, config.databaseUrl, cache);
  const outbox = buildOutboxWorker(services);
  outbox.worker.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing the message in hand');
    await outbox.stop();
    await services.directory.trust.settle();
    await Promise.allSettled([services.db.close(), cache.close()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`conference-attendant worker: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
