// The admin console at /admin: a static page, its stylesheet and icon (web/console) and its
// compiled modules (web/console/**/*.ts, built by `npm run build` into dist/web/console), served
// with a Content-Security-Policy that allows nothing but this origin's own scripts, stylesheet
// and API calls. The key is checked by the API, not here.
import { Router } from 'express';
import { AppError, notFound } from '../errors.js';
import { cachedFile } from '../http/static-files.js';
import { strictHeaders } from '../http/strict-headers.js';

const PAGES: Record<string, { file: string; type: string }> = {
  '/admin': { file: 'web/console/index.html', type: 'text/html; charset=utf-8' },
  '/admin/console.css': { file: 'web/console/console.css', type: 'text/css; charset=utf-8' },
  '/admin/favicon.svg': { file: 'web/console/favicon.svg', type: 'image/svg+xml' },
};

/** A compiled module: /admin/<name>.js or /admin/pages/<name>.js, nothing else. */
const MODULE = /^\/admin\/((?:pages\/)?[a-z][a-z0-9-]*\.js)$/;
const MODULE_TYPE = 'text/javascript; charset=utf-8';

export const CONSOLE_CSP = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'connect-src': ["'self'"],
  'img-src': ["'self'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
};

export function consoleRoutes(): Router {
  const r = Router();
  const headers = strictHeaders(CONSOLE_CSP);
  for (const [urlPath, asset] of Object.entries(PAGES)) {
    const read = cachedFile(asset.file);
    r.get(urlPath, headers, async (_req, res) => {
      const body = await read();
      if (!body) throw new AppError('unavailable', `${asset.file} is missing: run \`npm run build\``);
      res.setHeader('Cache-Control', 'no-store');
      res.type(asset.type).send(body);
    });
  }
  // Readers of found modules only: a request for a name that does not exist keeps nothing.
  const modules = new Map<string, () => Promise<Buffer | null>>();
  r.get(MODULE, headers, async (req, res) => {
    const name = MODULE.exec(req.path)![1]!;
    const read = modules.get(name) ?? cachedFile(`dist/web/console/${name}`);
    const body = await read();
    if (!body) throw notFound(`console module ${name} (run \`npm run build\`)`);
    modules.set(name, read);
    res.setHeader('Cache-Control', 'no-store');
    res.type(MODULE_TYPE).send(body);
  });
  return r;
}
