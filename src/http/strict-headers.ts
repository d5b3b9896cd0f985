// Security headers for pages this service serves (the console, the API documentation): a
// Content-Security-Policy of exactly the given directives, and nothing embeddable elsewhere.
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export const strictHeaders = (directives: Record<string, string[]>): RequestHandler =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    crossOriginEmbedderPolicy: true,
    referrerPolicy: { policy: 'no-referrer' },
    hsts: false, // the deployment's TLS terminator decides
  });
