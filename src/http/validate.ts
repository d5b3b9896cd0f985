// zod parsing with contract errors: every failed field is listed with its path.
import { z } from 'zod';
import { AppError, type FieldError } from '../errors.js';

export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  const join = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.');
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: join([...issue.path, key]), message: 'is not a field of this request' }))
      : [{ path: join(issue.path), message: issue.message }],
  );
}

/** Parses `value` or throws 422 validation_failed naming each bad field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error, prefix);
  const detail = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
  throw new AppError('validation_failed', detail, errors);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path parameter that must be a UUID; anything else cannot name a resource: 404. */
export function uuidParam(value: unknown, what: string): string {
  if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
  throw new AppError('not_found', `${what} not found`);
}
