// The admin API's OpenAPI document: the core operations (meetings, jobs and the outbox's
// operator routes included), and whatever each extra route group brings (documented()), for
// the routes that are actually mounted.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Router } from 'express';
import { projectRoot } from '../../http/static-files.js';
import type { Logger } from '../../logging.js';
import { coreOperations } from './core.js';
import { buildOpenApi, mountedRoutes, type AdminRoutes } from './document.js';
import { jobOperations, meetingOperations, outboxOperations } from './meetings-jobs.js';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Built on first use: tests build many apps and rarely read the document. */
export function adminApiDocument(api: Router, extra: readonly AdminRoutes[], log: Logger): () => Record<string, unknown> {
  let built: Record<string, unknown> | undefined;
  return () => {
    if (built) return built;
    const operations = [...coreOperations, ...meetingOperations, ...jobOperations, ...outboxOperations, ...extra.flatMap((g) => g.operations ?? [])];
    const result = buildOpenApi(operations, mountedRoutes(api), { version: packageVersion() });
    if (result.undocumented.length) {
      log.warn({ routes: result.undocumented.map((r) => `${r.method.toUpperCase()} /api/v1${r.path}`) }, 'admin routes without OpenAPI operations (see src/admin/openapi/document.ts)');
    }
    return (built = result.document);
  };
}
