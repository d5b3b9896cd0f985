// The admin console at /admin: a static page and its compiled script (web/console, built by
// `npm run build` into dist/web), served with a Content-Security-Policy that allows nothing but
// this origin's own script, stylesheet and API calls. The key is checked by the API, not here.
import { Router } from 'express';
import { AppError } from '../errors.js';
import { cachedFile } from '../http/static-files.js';
import { strictHeaders } from '../http/strict-headers.js';

const ASSETS: Record<string, { file: string; type: string }> = {
  '/admin': { file: 'web/console/index.html', type: 'text/html; charset=utf-8' },
  '/admin/console.css': { file: 'web/console/console.css', type: 'text/css; charset=utf-8' },
  '/admin/console.js': { file: 'dist/web/console/console.js', type: 'text/javascript; charset=utf-8' },
  '/admin/api.js': { file: 'dist/web/console/api.js', type: 'text/javascript; charset=utf-8' },
};

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
  for (const [urlPath, asset] of Object.entries(ASSETS)) {
    const read = cachedFile(asset.file);
    r.get(urlPath, headers, async (_req, res) => {
      const body = await read();
      if (!body) throw new AppError('unavailable', `${asset.file} is missing: run \`npm run build\``);
      res.setHeader('Cache-Control', 'no-store');
      res.type(asset.type).send(body);
    });
  }
  return r;
}
