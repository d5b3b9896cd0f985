// The query string of a public request, read once. Each parameter may be given at most once.
import { AppError } from '../errors.js';

export interface Query {
  /** The parameter's value, or null when absent; 400 when given more than once. */
  single(name: string): string | null;
}

export function readQuery(url: string): Query {
  const at = url.indexOf('?');
  const params = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  return {
    single(name) {
      const all = params.getAll(name);
      if (all.length > 1) throw new AppError('bad_request', `${name} is given more than once`, [{ path: name, message: 'given more than once' }]);
      return all[0] ?? null;
    },
  };
}
