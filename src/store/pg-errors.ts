// The one place where PostgreSQL errors become contract errors.
import { AppError, DependencyError } from '../errors.js';

interface PgLikeError {
  code?: string;
  severity?: string;
  constraint?: string;
  message?: string;
}

/** Constraint names (from migrations/) whose violation is a contract-level conflict. */
const CONSTRAINT_ERRORS: Record<string, () => AppError> = {
  users_email_per_tenant: () => new AppError('user_exists', 'a user with this email is already enabled in the tenant'),
  conference_ids_pkey: () => new AppError('conference_id_unavailable', 'the conference ID is active or quarantined on this bridge'),
  conference_ids_quarantine: () => new AppError('conference_id_unavailable', 'the conference ID is active or quarantined on this bridge'),
  bridges_default_toll_number_fkey: () => new AppError('number_in_use', 'the number is the bridge\'s default toll number; change the default first'),
  bridges_default_toll_free_number_fkey: () => new AppError('number_in_use', 'the number is the bridge\'s default toll-free number; change the default first'),
};

// Class 08 (connection), 57P0x (shutdown, cannot connect now), 53 (insufficient resources),
// and the driver's own socket errors: the database is not there, the request is not at fault.
const UNAVAILABLE_SQLSTATE = /^(08|57P0|53|58)/;
const UNAVAILABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
const UNAVAILABLE_MESSAGE = /(timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error|Query read timeout|the database system is (starting up|shutting down)|not (currently )?accepting connections|does not allow connections)/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as PgLikeError | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.code && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_SOCKET.has(e.code))) return true;
  // FATAL ends the session: the server refused or dropped us (not accepting connections, no
  // such database, authentication), whatever the request was.
  if (e.severity === 'FATAL' || e.severity === 'PANIC') return true;
  return UNAVAILABLE_MESSAGE.test(e.message ?? '');
}

/** Returns the contract error for a database error, or the error itself when it is a bug. */
export function mapDatabaseError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const e = err as PgLikeError;
  if (e && typeof e === 'object') {
    if (e.constraint && e.constraint in CONSTRAINT_ERRORS && (e.code === '23505' || e.code === '23503' || e.code === 'P0409')) {
      return CONSTRAINT_ERRORS[e.constraint]!();
    }
    // Input that slipped past validation but cannot be stored: the request's fault, not ours.
    if (e.code === '22021' || e.code === '22P05') return new AppError('validation_failed', 'a text field holds a character that cannot be stored (such as NUL)');
    if (e.code === '22001' || e.code === '22003' || e.code === '22008' || e.code === '22P02') return new AppError('validation_failed', 'a field is out of range or of the wrong form');
    if (e.code === '57014') return new AppError('timeout', 'the database took too long to answer; nothing was changed');
    if (e.code === '40001' || e.code === '40P01') return new AppError('conflict', 'a concurrent change got in the way; retry the request');
    if (isDatabaseUnavailable(err)) return new DependencyError('database', 'the database is unavailable; nothing was changed', err);
  }
  return err;
}
