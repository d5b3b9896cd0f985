// The admin API's OpenAPI document, built from the endpoint declarations on first use (tests
// build many apps and rarely read it).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../http/static-files.js';
import type { Endpoint } from '../endpoint.js';
import { ENDPOINTS } from '../endpoints/index.js';
import { buildOpenApi } from './document.js';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function adminApiDocument(endpoints: readonly Endpoint[] = ENDPOINTS): () => Record<string, unknown> {
  let built: Record<string, unknown> | undefined;
  return () => (built ??= buildOpenApi(endpoints, { version: packageVersion() }));
}
