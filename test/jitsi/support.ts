// A tenant with a SIP destination (Jigasi) and a Jitsi integration, set up through the admin API
// as an operator would, and the public endpoints called as a browser calls them.
import { randomInt } from 'node:crypto';
import { expectStatus, provision, type Harness, type Provisioned } from '../support/harness.js';

export const MUC = 'conference.meet.example.com';
export const ORIGIN = 'https://meet.example.com';
export const JIGASI = 'sip:jigasi@pbx.example.com;transport=tls';

/** Harness settings for the Jitsi tests: each test may speak for a client address of its own. */
export const JITSI_ENV = { TRUST_PROXY_HOPS: '1' };

/** A fresh documentation address (RFC 3849), so the per-address limits of parallel tests never meet. */
export const freshAddress = () => `2001:db8::${randomInt(0, 0xffff).toString(16)}:${randomInt(0, 0xffff).toString(16)}`;

export interface JitsiSetup extends Provisioned {
  integration: { id: string; dialInConfCodeUrl: string; dialInNumbersUrl: string; [k: string]: unknown };
}

export async function setupJitsi(
  h: Harness,
  { destination = {}, integration = {}, tenant = {}, users = 1 }: { destination?: object | null; integration?: object; tenant?: object; users?: number } = {},
): Promise<JitsiSetup> {
  const p = await provision(h, { users, tenant });
  if (destination !== null) {
    await expectStatus(h.api.put(`/api/v1/tenants/${p.tenant.id}/destination`, { kind: 'sip', uriTemplate: JIGASI, roomHeader: 'X-Jitsi-Conference-Room', ...destination }), 200);
  }
  const created = await expectStatus(h.api.post(`/api/v1/tenants/${p.tenant.id}/jitsi-integrations`, {
    name: 'meet.example.com', mucDomains: [MUC], allowedOrigins: [ORIGIN], ...integration,
  }), 201);
  return { ...p, integration: created };
}

/** The integration's public URL as the service receives it (PUBLIC_BASE_URL replaced by where it listens). */
export const local = (h: Harness & { serviceUrl?: string }, publicUrl: string) => publicUrl.replace(h.config.publicBaseUrl, h.serviceUrl ?? '');
