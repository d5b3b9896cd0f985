// helmet's headers on every answer: express routes, 404s and problems, and the voice webhooks
// that main.ts serves without express (their TwiML and their 403s). helmet's middleware is run
// once against a stub to learn its headers; each answer then gets the same fixed set, which
// costs the hot path one object spread instead of a dozen setHeader calls.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

function helmetHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet()({} as IncomingMessage, res as unknown as ServerResponse, () => {});
  if (Object.keys(headers).length < 5) throw new Error('helmet set fewer headers than expected');
  return Object.freeze(headers);
}

/**
 * helmet's defaults (HSTS included: browsers ignore it over plain http). The console and the API
 * documentation replace the Content-Security-Policy with their own (strict-headers.ts).
 */
export const SECURITY_HEADERS = helmetHeaders();

export const securityHeaders: RequestHandler = (_req, res, next) => {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  next();
};
