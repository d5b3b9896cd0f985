// What a user search's `q` matches, as SQL conditions and, for estimates, in memory.
//
// A term of three or more characters matches anywhere in the display name or email, ignoring
// case. A shorter one (after dropping punctuation: "zh", "o'") matches the start of a word of
// the name or email (words are runs of letters and digits), since one or two letters anywhere
// match nearly everyone and no trigram index can find them.

/** `q` as a LIKE pattern that matches it anywhere, its wildcards taken literally. */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export type SearchMode = 'anywhere' | 'word-start';

export interface SearchTerm {
  q: string;
  mode: SearchMode;
}

/** Shortest term matched anywhere; shorter ones match the start of a word. */
export const MIN_ANYWHERE = 3;

const NOT_WORD = /[^\p{L}\p{N}]+/gu;
const words = (s: string) => ` ${s.toLowerCase().replace(NOT_WORD, ' ')}`;

export function searchTerm(q: string): SearchTerm {
  const core = words(q).trim();
  return { q, mode: core.length > 0 && core.length < MIN_ANYWHERE ? 'word-start' : 'anywhere' };
}

/**
 * The term's conditions on the users row `alias`: `exact()` decides; `narrow()` is implied by it
 * and is what the ordered index (migrations/0015, user_search_text) can use. `param` adds a value
 * to the statement's parameters and returns its placeholder; only what is asked for is added.
 */
export function matchSql(term: SearchTerm, alias: string, param: (value: unknown) => string): { exact: () => string; narrow: () => string } {
  const text = `user_search_text(${alias}.display_name, ${alias}.email)`;
  let raw: string | undefined;
  const rawTerm = () => (raw ??= param(term.q));
  if (term.mode === 'word-start') {
    const startsAWord = () => `${text} LIKE '% ' || btrim(user_search_term(${rawTerm()})) || '%'`;
    return { exact: startsAWord, narrow: startsAWord };
  }
  return {
    exact: () => {
      const pattern = param(containsPattern(term.q));
      return `(lower(${alias}.display_name) LIKE lower(${pattern}) OR lower(${alias}.email) LIKE lower(${pattern}))`;
    },
    narrow: () => `${text} LIKE '%' || user_search_term(${rawTerm()}) || '%'`,
  };
}

/** The same match in memory (close to the SQL one; used only to estimate how many match). */
export function inMemoryMatcher(term: SearchTerm): (user: { name: string; email: string }) => boolean {
  if (term.mode === 'word-start') {
    const start = ` ${words(term.q).trim()}`;
    return (user) => `${words(user.name)} ${words(user.email)}`.includes(start);
  }
  const q = term.q.toLowerCase();
  return (user) => user.name.toLowerCase().includes(q) || user.email.toLowerCase().includes(q);
}
