// The path parameters of the admin API, by name: how each is checked and documented. An id that
// is not a UUID cannot name anything (404); a malformed number is a validation error (422).
import { z } from 'zod';
import { AppError } from '../errors.js';
import { parse, uuidParam } from '../http/validate.js';
import { e164 } from './schemas.js';

export interface PathParam {
  description: string;
  schema: z.ZodType;
  /** The checked value, or a throw (404 or 422). */
  check(value: string): string;
}

const uuid = (what: string): PathParam => ({
  description: `${what} id`,
  schema: z.string().meta({ format: 'uuid' }),
  check: (v) => uuidParam(v, what),
});

export const PATH_PARAMS: Record<string, PathParam> = {
  bridgeId: uuid('bridge'),
  tenantId: uuid('tenant'),
  userId: uuid('user'),
  keyId: uuid('API key'),
  jobId: uuid('job'),
  meetingId: uuid('meeting'),
  integrationId: uuid('Jitsi integration'),
  roomId: uuid('room'),
  number: {
    description: 'E.164 number, URL-encoded (%2B for +)',
    schema: z.string().regex(/^\+[1-9][0-9]{6,14}$/),
    check: (v) => parse(e164, v, 'number'),
  },
  caller: {
    description: 'a calling number in E.164, URL-encoded (%2B for +), or `withheld` for the callers without one',
    schema: z.string().regex(/^(\+[1-9][0-9]{6,14}|withheld)$/),
    check: (v) => (v === 'withheld' ? v : parse(e164, v, 'caller')),
  },
  messageId: {
    description: 'outbox message id',
    schema: z.string().regex(/^\d{1,19}$/),
    check: (v) => {
      if (/^\d{1,19}$/.test(v)) return v;
      throw new AppError('not_found', 'outbox message not found');
    },
  },
};

export const paramNames = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
