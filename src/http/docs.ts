// GET /openapi.json (the admin API's OpenAPI 3.1 document, no key needed) and GET /docs (the
// same, readable). The document is built on first use, from the operations of the mounted route groups.
import { Router } from 'express';
import { strictHeaders } from './strict-headers.js';
import type { Logger } from '../logging.js';
import { DOCS_STYLE_HASH, renderDocsPage } from './docs-page.js';

export function docsRoutes(document: () => Record<string, unknown>, log: Logger): Router {
  const r = Router();
  let json: string | undefined;
  let page: string | undefined;
  r.get('/openapi.json', (_req, res) => {
    json ??= JSON.stringify(document());
    res.type('application/json').send(json);
  });
  const headers = strictHeaders({
    'default-src': ["'none'"], 'style-src': [DOCS_STYLE_HASH], 'img-src': ["'self'"],
    'form-action': ["'none'"], 'frame-ancestors': ["'none'"], 'base-uri': ["'none'"],
  });
  r.get('/docs', headers, (_req, res) => {
    try {
      page ??= renderDocsPage(document());
    } catch (err) {
      log.error({ err }, 'could not render the API documentation');
      throw err;
    }
    res.type('html').send(page);
  });
  return r;
}
