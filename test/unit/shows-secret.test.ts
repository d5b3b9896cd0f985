// The test helper that looks for leaked short secrets must see real leaks and ignore chance matches.
import { describe, expect, it } from 'vitest';
import { showsSecret } from '../support/secrets.js';

describe('showsSecret', () => {
  it.each([
    ['{"Digits":"48213#"}', true],
    ['leader PIN 48213 accepted', true],
    ['*48213#', true],
    ['48213', true],
  ])('sees %s', (text, expected) => { expect(showsSecret(text, '48213')).toBe(expected); });

  it.each([
    ['"callSid":"CAbc58d1bb48213c5b79945cd495cc2465d6c"'],
    ['"conferenceId":"9482137"'],
    ['"id":"0b7e4821-3aa0-4c1e-9d3b-48213f00aa01"'],
    ['"ms":482130'],
  ])('ignores the digits inside %s', (text) => { expect(showsSecret(text, '48213')).toBe(false); });
});
