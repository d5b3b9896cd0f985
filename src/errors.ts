// One error type for everything the service refuses on purpose. Each carries a contract code;
// http/problem.ts turns it into application/problem+json, store/pg-errors.ts maps database
// errors onto it. Details never carry secrets: they are shown to callers as they are.

export const ERROR_CATALOGUE = {
  bad_request: { status: 400, title: 'Bad request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conference_id_unavailable: { status: 409, title: 'Conference ID unavailable' },
  user_exists: { status: 409, title: 'User exists' },
  not_supported: { status: 409, title: 'Not supported' },
  number_in_use: { status: 409, title: 'Number in use' },
  twilio_number_not_found: { status: 409, title: 'Number not in the Twilio account' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  validation_failed: { status: 422, title: 'Validation failed' },
  rate_limited: { status: 429, title: 'Too many requests' },
  quota_exceeded: { status: 429, title: 'Quota exceeded' },
  internal: { status: 500, title: 'Internal error' },
  twilio_auth_failed: { status: 502, title: 'Twilio refused our credentials' },
  twilio_error: { status: 502, title: 'Twilio refused the request' },
  unavailable: { status: 503, title: 'Service unavailable' },
  timeout: { status: 503, title: 'Request timed out' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = ERROR_CATALOGUE[code].status;
    this.title = ERROR_CATALOGUE[code].title;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const validationFailed = (path: string, message: string) =>
  new AppError('validation_failed', `${path}: ${message}`, [{ path, message }]);

/** The dependency an `unavailable` error is about, so /readyz and logs can name it. */
export class DependencyError extends AppError {
  constructor(readonly dependency: 'database' | 'cache', detail: string, override readonly cause?: unknown) {
    super('unavailable', detail);
    this.name = 'DependencyError';
  }
}
