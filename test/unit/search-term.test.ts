// What a user search's `q` means (store/search-term.ts) and which plan answers it
// (store/user-search.ts planFor): pure logic, no database.
import { describe, expect, it } from 'vitest';
import { containsPattern, inMemoryMatcher, searchTerm } from '../../src/store/search-term.js';
import { FEW_MATCHES, planFor } from '../../src/store/user-search.js';

const zoe = { name: 'Zoë O\'Brien', email: 'zoe.obrien@globex.example' };

describe('searchTerm', () => {
  it('matches three characters or more anywhere, fewer at the start of a word', () => {
    expect(searchTerm('zoe').mode).toBe('anywhere');
    expect(searchTerm('a b').mode).toBe('anywhere');
    expect(searchTerm('zh').mode).toBe('word-start');
    expect(searchTerm('a').mode).toBe('word-start');
    expect(searchTerm("o'").mode).toBe('word-start'); // punctuation does not count
    expect(searchTerm('.ée').mode).toBe('word-start');
    expect(searchTerm('@').mode).toBe('anywhere'); // nothing but punctuation: taken literally
    expect(searchTerm('').mode).toBe('anywhere');
  });

  it('in memory, as in SQL: a word start is after any character that is not a letter or digit', () => {
    expect(inMemoryMatcher(searchTerm('ob'))(zoe)).toBe(true); // obrien in the email
    expect(inMemoryMatcher(searchTerm('br'))(zoe)).toBe(true); // Brien after the apostrophe
    expect(inMemoryMatcher(searchTerm('gl'))(zoe)).toBe(true); // after @
    expect(inMemoryMatcher(searchTerm('ri'))(zoe)).toBe(false); // inside a word
    expect(inMemoryMatcher(searchTerm('rie'))(zoe)).toBe(true); // three letters: anywhere
    expect(inMemoryMatcher(searchTerm('ZOË'))(zoe)).toBe(true);
    expect(inMemoryMatcher(searchTerm('.obrien@'))(zoe)).toBe(true);
    expect(inMemoryMatcher(searchTerm('obrien.'))(zoe)).toBe(false);
  });

  it('escapes LIKE wildcards so they are taken literally', () => {
    expect(containsPattern('100%_\\')).toBe('%100\\%\\_\\\\%');
  });
});

describe('planFor', () => {
  const sample = (users: number, matching: number, of = 4000) => ({
    users,
    rows: Array.from({ length: of }, (_, k) => (k < matching ? zoe : { name: 'Ada Lovelace', email: 'ada@example.com' })),
  });

  it('sorts every match in a tenant the sample covers whole, however common the term', () => {
    expect(planFor(searchTerm('zoe'), sample(3000, 3000, 3000))).toBe('sorted');
  });

  it('sorts the matches of a term estimated rare, reads a common one in name order', () => {
    // 1,000,000 users, 4,000 sampled: each sampled match stands for 250 users
    expect(planFor(searchTerm('zoe'), sample(1_000_000, 0))).toBe('sorted');
    expect(planFor(searchTerm('zoe'), sample(1_000_000, FEW_MATCHES / 250 - 1))).toBe('sorted');
    expect(planFor(searchTerm('zoe'), sample(1_000_000, FEW_MATCHES / 250))).toBe('ordered');
    expect(planFor(searchTerm('ada'), sample(1_000_000, 1))).toBe('ordered'); // the others match
    expect(planFor(searchTerm('gl'), sample(1_000_000, 10))).toBe('ordered');
    expect(planFor(searchTerm('ri'), sample(1_000_000, 4000))).toBe('sorted'); // no word starts so
  });
});
