// Pure parts of the outbox: backoff, phone formatting, HTML escaping, what each template carries.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, retryDelayMs, shouldGiveUp } from '../../src/outbox/backoff.js';
import { esc, html } from '../../src/email/html.js';
import { formatPhoneNumber } from '../../src/email/phone.js';
import { renderUserEmail } from '../../src/email/templates.js';
import { isPermanent } from '../../src/email/mailer.js';
import type { EmailPayload } from '../../src/email/messages.js';

describe('backoff', () => {
  it('retries first within 10 s, doubles, and caps at 10 minutes', () => {
    for (const r of [0, 0.5, 1]) {
      expect(retryDelayMs(1, DEFAULT_BACKOFF, () => r)).toBeLessThanOrEqual(10_000);
      expect(retryDelayMs(1, DEFAULT_BACKOFF, () => r)).toBeGreaterThan(0);
    }
    expect(retryDelayMs(2, DEFAULT_BACKOFF, () => 1)).toBe(2 * retryDelayMs(1, DEFAULT_BACKOFF, () => 1));
    expect(retryDelayMs(50, DEFAULT_BACKOFF, () => 1)).toBe(10 * 60_000);
    expect(retryDelayMs(50, DEFAULT_BACKOFF, () => 0)).toBe(5 * 60_000);
  });

  it('gives up after 24 hours', () => {
    const created = new Date('2025-01-01T00:00:00Z');
    expect(shouldGiveUp(created, new Date('2025-01-01T23:59:59Z'))).toBe(false);
    expect(shouldGiveUp(created, new Date('2025-01-02T00:00:00Z'))).toBe(true);
  });

  it('treats 5xx SMTP replies as final and 4xx or network errors as worth retrying', () => {
    expect(isPermanent({ responseCode: 550 })).toBe(true);
    expect(isPermanent({ responseCode: 421 })).toBe(false);
    expect(isPermanent({ code: 'ECONNECTION' })).toBe(false);
  });
});

describe('email rendering', () => {
  it('formats numbers for people', () => {
    expect(formatPhoneNumber('+14155550123')).toBe('+1 415 555 0123');
    expect(formatPhoneNumber('+442071838750')).toBe('+44 20 7183 8750');
    expect(formatPhoneNumber('+999')).toBe('+999');
  });

  it('escapes every interpolated value in HTML', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p>${'<script>'}</p>${[html`<b>${'&'}</b>`]}`.__html).toBe('<p>&lt;script&gt;</p><b>&amp;</b>');
  });

  const payload = (template: EmailPayload['template'], extra: Partial<EmailPayload> = {}): EmailPayload => ({
    template, to: 'a@example.com', userId: 'u', displayName: 'Zoë <b>', conferenceId: '1234567',
    tollNumber: '+14155550123', tollFreeNumber: '+18005550199', provider: 'builtin', ...extra,
  });

  it('puts the PIN only where it belongs', () => {
    const welcome = renderUserEmail(payload('welcome'), '24680');
    expect(welcome.text).toContain('Leader PIN: 24680');
    expect(welcome.html).toContain('<strong>24680</strong>');
    expect(welcome.html).toContain('Zoë &lt;b&gt;');
    expect(welcome.text).toContain('+1 800 555 0199');
    for (const t of ['conference_id_changed', 'conference_info'] as const) {
      const m = renderUserEmail(payload(t, { previousConferenceId: '7654321' }), null);
      expect(m.text + m.html).not.toMatch(/PIN/);
      expect(m.text).toContain('1234567');
    }
    expect(renderUserEmail(payload('conference_id_changed', { previousConferenceId: '7654321' }), null).text).toMatch(/How to update existing meetings/);
    expect(renderUserEmail(payload('leader_pin_reset'), '13579').text).toContain('13579');
    expect(() => renderUserEmail(payload('leader_pin_reset'), null)).toThrow();
  });

  it('explains dynamic IDs when the user has none', () => {
    const m = renderUserEmail(payload('welcome', { conferenceId: null }), '11111');
    expect(m.text).toMatch(/each meeting you schedule gets its own ID/);
  });
});
