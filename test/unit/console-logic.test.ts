// The console's pure parts, without a browser: its routes, what it learns from the OpenAPI
// document, and audit events in words.
import { describe, expect, it } from 'vitest';
import { beforeAndAfter } from '../../web/console/audit-text.js';
import { unlockText } from '../../web/console/pages/user.js';
import { capabilitiesOf } from '../../web/console/capabilities.js';
import { bridgeCountText, isBlocked, valueText } from '../../web/console/pages/caller-blocks.js';
import { href, parseRoute } from '../../web/console/routes.js';
import type { AuditEvent } from '../../web/console/types.js';

const T = '11111111-2222-4333-8444-555555555555';
const U = '66666666-7777-4888-9999-000000000000';

describe('console routes', () => {
  it('reads and writes the page, tenant, user and filters of the fragment', () => {
    expect(parseRoute('#/tenants')).toEqual({ page: 'tenants' });
    expect(parseRoute(`#/t/${T}/users`)).toMatchObject({ page: 'users', tenantId: T });
    expect(parseRoute(`#/t/${T}`)).toMatchObject({ page: 'users', tenantId: T });
    expect(parseRoute(`#/t/${T}/users/${U}`)).toMatchObject({ page: 'user', tenantId: T, id: U });
    const audit = parseRoute(href(T, 'audit', undefined, { user: U, action: 'conference_id.reset' }));
    expect(audit).toMatchObject({ page: 'audit', tenantId: T });
    expect(audit && 'params' in audit && [audit.params.get('user'), audit.params.get('action')]).toEqual([U, 'conference_id.reset']);
    expect(href(T, 'audit', undefined, { user: '', action: '' })).toBe(`#/t/${T}/audit`);
  });

  it('refuses what is not a page', () => {
    for (const hash of ['', '#', '#/', '#/t', `#/t/${T}/nope`, `#/t/${T}/settings/x`, `#/t/${T}/users/${U}/more`, '#/tenants/x']) {
      expect(parseRoute(hash), hash).toBeNull();
    }
  });
});

describe('what the console learns from /openapi.json', () => {
  const q = (...names: string[]) => ({ parameters: names.map((name) => ({ name, in: 'query' })) });
  it('offers a feature only when its operation (and query parameter) is documented', () => {
    const none = {
      tenantList: false, tenantSearch: false, userSearch: false, leaderPinUnlock: false, auditFilters: false,
      destinations: false, jitsi: false, mapperRooms: false, callerBlocks: false, tenantNumbers: false,
    };
    expect(capabilitiesOf({})).toEqual(none);
    expect(capabilitiesOf({
      '/api/v1/tenants': { get: q('q', 'cursor'), post: {} },
      '/api/v1/tenants/{tenantId}/users': { get: q('email', 'q') },
      '/api/v1/tenants/{tenantId}/users/{userId}/leader-pin/unlock': { post: {} },
      '/api/v1/tenants/{tenantId}/audit-events': { get: q('targetId', 'action') },
      '/api/v1/tenants/{tenantId}/destination': { get: {}, put: {}, delete: {} },
      '/api/v1/tenants/{tenantId}/jitsi-integrations': { get: {}, post: {} },
      '/api/v1/tenants/{tenantId}/jitsi-integrations/{integrationId}/rooms': { get: q('cursor') },
      '/api/v1/caller-blocks/{number}': { get: {}, delete: {} },
      '/api/v1/tenants/{tenantId}/dial-in-numbers': { get: {} },
    })).toEqual(Object.fromEntries(Object.keys(none).map((k) => [k, true])));
    expect(capabilitiesOf({
      '/api/v1/tenants': { post: {} },
      '/api/v1/tenants/{tenantId}/users': { get: q('email') },
      '/api/v1/tenants/{tenantId}/users/{userId}/leader-pin/unlock': { get: {} },
      '/api/v1/tenants/{tenantId}/audit-events': { get: q('targetId') },
      '/api/v1/tenants/{tenantId}/destination': { get: {} },
      '/api/v1/caller-blocks/{number}': { get: {} },
      '/api/v1/caller-blocks': { get: {}, delete: {} },
      '/api/v1/tenants/{tenantId}/dial-in-numbers': { post: {} },
    })).toEqual(none);
  });
});

describe('audit events in words', () => {
  const event = (action: string, details: Record<string, unknown>): AuditEvent => ({
    id: U, at: '2026-01-01T00:00:00Z', actor: { apiKeyId: null, name: 'admin' }, action, target: { type: 'user', id: U }, details,
  });
  it('gives each action its before and after', () => {
    expect(beforeAndAfter(event('conference_id.reset', { previousConferenceId: '1234567', conferenceId: '7654321', emailQueued: true })))
      .toEqual({ before: 'ID 1234567', after: 'ID 7654321; email sent to the user' });
    expect(beforeAndAfter(event('tenant.updated', { pinLength: 6, entryExitAnnouncements: 'off', previous: { entryExitAnnouncements: 'tones', pinLength: 5 } })))
      .toEqual({ before: 'PIN length 5; announcements tones', after: 'PIN length 6; announcements off' });
    expect(beforeAndAfter(event('tenant.updated', { sendEmailByDefault: false }))).toEqual({ before: '–', after: 'emails by default off' });
    expect(beforeAndAfter(event('user.disabled', { retiredConferenceIds: ['1234567'] })).before).toBe('ID 1234567');
    expect(beforeAndAfter(event('something.new', { a: 1, b: { c: 2 } }))).toEqual({ before: '–', after: 'a: 1; b: {"c":2}' });
  });

  it('says where callers go, and passwords only as set, kept or removed', () => {
    expect(beforeAndAfter(event('destination.updated', { kind: 'sip', uriTemplate: 'sip:j@pbx.example.com', roomHeader: 'X-Room', roleHeader: null, sipAuth: 'set', roomPassword: 'none' })).after)
      .toBe('sip:j@pbx.example.com, room in X-Room; SIP credentials set');
    expect(beforeAndAfter(event('destination.updated', { kind: 'twilio', sipAuth: 'none', roomPassword: 'none' })).after).toBe('Twilio conference rooms');
    expect(beforeAndAfter(event('jitsi_integration.updated', { allowedOrigins: ['https://a.example', 'https://b.example'] })).after).toBe('origins https://a.example, https://b.example');
    const room = { ...event('conference_id.reset', { previousConferenceId: '1234567', conference: 'r@conference.example' }), target: { type: 'jitsi_room', id: U } };
    expect(beforeAndAfter(room)).toEqual({ before: 'ID 1234567 of r@conference.example', after: 'a new ID at the room\'s next lookup' });
  });
});

describe('an unlock in words', () => {
  it('says whether the leader step was locked, and what was cleared', () => {
    expect(unlockText({ wasLocked: true, wrongPinsCleared: 30 })).toBe('The leader step is unlocked (30 wrong PIN entries cleared): the organizer can start meetings with their PIN again.');
    expect(unlockText({ wasLocked: false, wrongPinsCleared: 1 })).toBe('The leader step was not locked; 1 wrong PIN entry was cleared: the organizer can start meetings with their PIN.');
    expect(unlockText({ wasLocked: false, wrongPinsCleared: 0 })).toBe('The leader step was not locked: the organizer can start meetings with their PIN.');
    expect(unlockText(null)).toBe('The leader step is unlocked: the organizer can start meetings with their PIN again.');
  });
});

describe('a caller block in words', () => {
  it('reads whatever shape the server answers, and knows a lifted block', () => {
    expect(isBlocked({ number: '+14155550100', blocked: true })).toBe(true);
    expect(isBlocked({ number: '+14155550100', blocked: false })).toBe(false);
    expect(isBlocked({ blocks: [] })).toBe(false);
    expect(isBlocked({ blocks: [{ bridgeId: T, failures: 10 }] })).toBe(true);
    expect(isBlocked({ failures: 10 })).toBe(true); // unknown: offering to lift is harmless
    const count = { bridgeId: T, failures: 3, limit: 10, blocked: false, blockedUntil: null };
    expect(isBlocked({ caller: '+14155550100', bridges: [count] })).toBe(false);
    expect(isBlocked({ caller: '+14155550100', bridges: [count, { ...count, failures: 10, blocked: true }] })).toBe(true);
    expect(bridgeCountText(count)).toBe('not blocked; 3 failed entries (limit 10)');
    expect(bridgeCountText({ ...count, failures: 1 })).toBe('not blocked; 1 failed entry (limit 10)');
    expect(bridgeCountText({ ...count, failures: 10, blocked: true, blockedUntil: '2026-01-01T00:00:00Z' })).toMatch(/^blocked until .+; 10 failed entries \(limit 10\)$/);
    expect(valueText([{ bridgeId: 'b1', failures: 10 }])).toBe('bridge id b1, failures 10');
    expect(valueText(true)).toBe('yes');
    expect(valueText(12000)).toBe('12,000');
  });
});
