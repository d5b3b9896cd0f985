// The service names a Redis too old for its flagged read scripts (7.0 or later is required).
import { describe, expect, it } from 'vitest';
import { unsupportedVersion } from '../../src/cache/redis-store.js';

describe('unsupportedVersion', () => {
  it.each([
    ['# Server\r\nredis_version:6.2.14\r\nredis_git_sha1:00000000\r\n', '6.2.14'],
    ['redis_version:5.0.7\r\n', '5.0.7'],
    ['redis_version:7.0.15\r\n', null],
    ['redis_version:7.4.1\r\n', null],
    ['redis_version:10.0.0\r\n', null],
    ['# Server\r\nrun_id:abc\r\n', null],
  ])('%j → %s', (info, expected) => { expect(unsupportedVersion(info)).toBe(expected); });
});
