// application/problem+json answers (RFC 9457) for every refusal, and the error middleware that
// guarantees nothing else escapes: unexpected errors become a logged 500 without details.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError, DependencyError, ERROR_CATALOGUE, type ErrorCode } from '../errors.js';
import type { Logger } from '../logging.js';

/** The problem+json body of an error (also written by handlers outside express, e.g. voice). */
export function problemDocument(err: AppError, instance?: string): string {
  return JSON.stringify({
    type: `https://attendant.dev/problems/${err.code.replace(/_/g, '-')}`,
    title: err.title,
    status: err.status,
    detail: err.detail,
    code: err.code,
    ...(err.errors ? { errors: err.errors } : {}),
    ...(instance ? { instance } : {}),
  });
}

export function sendProblem(res: Response, err: AppError, instance?: string): void {
  if (err.headers) for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  res.status(err.status).type('application/problem+json').send(problemDocument(err, instance));
}

/** body-parser and express raise errors carrying `type` and `status`; map the known ones. */
function fromFrameworkError(err: unknown): AppError | null {
  const e = err as { type?: string; status?: number; statusCode?: number };
  if (!e || typeof e !== 'object') return null;
  switch (e.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 'the request body is larger than allowed');
    case 'entity.parse.failed':
      return new AppError('bad_request', 'the request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'the request body\'s encoding or charset is not supported');
    case 'request.aborted':
      return new AppError('bad_request', 'the request was aborted');
    default:
      break;
  }
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).find((c) => ERROR_CATALOGUE[c].status === status) ?? 'bad_request';
    return new AppError(code, ERROR_CATALOGUE[code].title);
  }
  return null;
}

export function problemHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    const known = err instanceof AppError ? err : fromFrameworkError(err);
    if (known) {
      if (known instanceof DependencyError) log.warn({ dependency: known.dependency, path: req.path, err: (known.cause as Error | undefined)?.message }, known.detail);
      sendProblem(res, known);
      return;
    }
    // req.log carries the request id (http/observability.ts), when the request got that far
    ((req as { log?: Logger }).log ?? log).error({ err, method: req.method, path: req.originalUrl.split('?')[0] }, 'unhandled error');
    sendProblem(res, new AppError('internal', 'something went wrong on our side; the request may be retried'));
  };
}

export const notFoundHandler: RequestHandler = (req: Request, res: Response) => {
  sendProblem(res, new AppError('not_found', `no route for ${req.method} ${req.path}`));
};
