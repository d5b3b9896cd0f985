// `npm run docs:api`: writes docs/api.md from the endpoint declarations; `-- --check` only says
// whether the file is current (exit 1 when not), as test/docs/api-md.test.ts does.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENDPOINTS } from '../admin/endpoints/index.js';
import { renderApiMarkdown } from '../admin/openapi/markdown.js';
import { projectRoot } from '../http/static-files.js';

const file = path.join(projectRoot(), 'docs', 'api.md');
const text = renderApiMarkdown(ENDPOINTS);
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    /* missing: stale */
  }
  if (current !== text) {
    process.stderr.write('docs/api.md is stale: run `npm run docs:api`\n');
    process.exit(1);
  }
  process.stdout.write('docs/api.md is current\n');
} else {
  writeFileSync(file, text);
  process.stdout.write(`wrote docs/api.md (${ENDPOINTS.length} routes)\n`);
}
