// The embedded development database (PGlite) for `npm start` without DATABASE_URL.
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';

export async function startEmbeddedDatabase(_config: Config, _log: Logger): Promise<{ url: string; close?: () => Promise<void> }> {
  throw new Error('DATABASE_URL is not set and the embedded database is not available in this build; set DATABASE_URL=postgres://...');
}
