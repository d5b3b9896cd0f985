// `npm start`: validate the environment, apply migrations, connect, serve; stop gracefully.
import { createApp } from './app.js';
import { loadConfigOrExit, type Config } from './config.js';
import { prepareDevelopment } from './development/first-run.js';
import { HttpDrain } from './http/drain.js';
import { startMetricsServer } from './http/metrics.js';
import { createHttpServer } from './http/server.js';
import { Lifecycle } from './lifecycle.js';
import { createProcessLogger, type Logger } from './logging.js';
import { migrateWhenReachable } from './store/migrate.js';
import { VoiceWebhooks } from './voice/router.js';
import { buildServices, connectCache } from './wiring.js';
import { buildOutboxWorker } from './worker.js';

async function resolveDatabaseUrl(config: Config, log: Logger): Promise<{ url: string; embedded: boolean; close?: () => Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false };
  const { startEmbeddedDatabase } = await import('./store/embedded.js');
  return { ...(await startEmbeddedDatabase(config, log)), embedded: true };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit('conference-attendant');
  const log = createProcessLogger(config.logLevel);

  // Background parts register here (e.g. lifecycle.register('outbox worker', worker)); on
  // SIGTERM they are stopped after the in-flight requests, before the pools close.
  const lifecycle = new Lifecycle(log);
  // first: a second start on a busy embedded folder is refused with one line, before any warning
  const database = await resolveDatabaseUrl(config, log);
  if (config.secretsKey.ephemeral) log.warn('SECRETS_KEY is not set: using a random key for this process; pending PIN emails will not survive a restart');
  if (config.twilio.devDefault) log.warn('TWILIO_AUTH_TOKEN is not set: using the published development default (never in production)');
  if (database.close) lifecycle.register('embedded database', database.close);
  const applied = await migrateWhenReachable(database.url, log);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const cache = await connectCache(config, log);
  lifecycle.register('cache connection', () => cache.close());
  const services = buildServices(config, log, database.url, cache);
  lifecycle.register('database pool', () => services.db.close());
  lifecycle.register('directory rebuilds', () => services.directory.trust.settle());
  if (config.env !== 'production') await prepareDevelopment(services, log, { embedded: database.embedded });
  const voice = new VoiceWebhooks(services);
  const app = createApp(services, { voice });
  // The outbox worker runs here unless RUN_WORKER=false (then `npm run worker` runs it alone).
  // Registered last, so it is stopped first: it finishes the message in hand while the pools are open.
  if (config.runWorker) {
    const outbox = buildOutboxWorker(services);
    outbox.worker.start();
    lifecycle.register('outbox worker', () => outbox.stop());
  }

  const server = createHttpServer(config); // slow bodies are cut at HTTP_REQUEST_TIMEOUT_MS
  const drain = new HttpDrain(server, log); // before the app: it sees every request first
  // /voice/* goes straight to the voice handler (the hot path); everything else to express.
  server.on('request', voice.front(app));
  if (config.metrics.port !== undefined) {
    const metricsServer = await startMetricsServer(services, config.metrics.port);
    lifecycle.register('metrics server', () => new Promise<void>((resolve) => metricsServer.close(() => resolve())));
  } else if (!config.metrics.onMainPort) log.warn('/metrics is not served: set METRICS_PORT or METRICS_TOKEN to scrape it in production');
  server.listen(config.port, () => {
    log.info({ port: config.port, publicBaseUrl: config.publicBaseUrl }, 'listening');
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, inFlight: drain.inFlight }, 'stopping: no new connections, finishing the requests in flight');
    const force = setTimeout(() => {
      log.error('shutdown took over 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    // Twilio waits 15 s for a webhook; in-flight requests get 12 s to finish.
    await drain.close(12_000);
    await lifecycle.stopAll();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  // an expected refusal (the embedded database's folder in use) is one line, not a stack trace
  const expected = err instanceof Error && err.name === 'DataDirInUseError';
  process.stderr.write(`conference-attendant: failed to start: ${err instanceof Error ? (expected ? err.message : err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
