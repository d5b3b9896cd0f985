// `npm start`: validate the environment, apply migrations, connect, serve; stop gracefully.
import { createServer, type Server } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logging.js';
import { migrate } from './store/migrate.js';
import { VoiceWebhooks } from './voice/router.js';
import { buildServices, connectCache } from './wiring.js';

async function resolveDatabaseUrl(config: Config, log: Logger): Promise<{ url: string; close?: () => Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const { startEmbeddedDatabase } = await import('./store/embedded.js');
  return startEmbeddedDatabase(config, log);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`conference-attendant: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  if (config.secretsKey.ephemeral) log.warn('SECRETS_KEY is not set: using a random key for this process; pending PIN emails will not survive a restart');

  const database = await resolveDatabaseUrl(config, log);
  const applied = await migrate(database.url, log);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const cache = await connectCache(config, log);
  const services = buildServices(config, log, database.url, cache);
  const voice = new VoiceWebhooks(services);
  const app = createApp(services, { routers: [voice.router()] });

  const server: Server = createServer(voice.front(app)).listen(config.port, () => {
    log.info({ port: config.port, publicBaseUrl: config.publicBaseUrl }, 'listening');
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts
  server.requestTimeout = 30_000;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: no new requests, finishing those in flight');
    const force = setTimeout(() => {
      log.warn('in-flight requests did not finish in 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await services.directory.trust.settle();
    await Promise.allSettled([services.db.close(), cache.close()]);
    await database.close?.();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`conference-attendant: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
