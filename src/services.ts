// What commands and routes are given: the process's configured parts, wired once in main.ts
// (or by a test).
import type { CacheKeys } from './cache/keys.js';
import type { CacheStore } from './cache/store.js';
import type { Config } from './config.js';
import type { Directory } from './directory/directory.js';
import type { Logger } from './logging.js';
import type { Metrics } from './metrics.js';
import type { SecretBox } from './lib/secret-box.js';
import type { Database } from './store/db.js';

export interface Services {
  readonly config: Config;
  readonly log: Logger;
  readonly db: Database;
  readonly cache: CacheStore;
  readonly keys: CacheKeys;
  readonly directory: Directory;
  readonly secrets: SecretBox;
  readonly metrics: Metrics;
}
