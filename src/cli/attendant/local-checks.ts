// The service's own request schemas, applied before a row is sent: a row the service would
// refuse fails here with the same field errors, without a request, and --dry-run can tell.
import type { z } from 'zod';
import { createApiKeyBody, createBridgeBody, createTenantBody, e164, enableUserBody, putNumberBody } from '../../admin/schemas.js';
import { fieldErrors } from '../../http/validate.js';
import type { Problem } from './api.js';

function check(schema: z.ZodType, value: unknown, prefix = ''): Problem | undefined {
  const r = schema.safeParse(value);
  if (r.success) return undefined;
  const errors = fieldErrors(r.error, prefix);
  return { status: 422, code: 'validation_failed', detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors };
}

export const numberProblem = (number: string, body: unknown) => check(e164, number, 'number') ?? check(putNumberBody, body);
export const userProblem = (body: unknown) => check(enableUserBody, body);
export const tenantProblem = (body: unknown) => check(createTenantBody, body);
export const apiKeyProblem = (body: unknown) => check(createApiKeyBody, body);
export const bridgeProblem = (body: unknown) => check(createBridgeBody, body);
