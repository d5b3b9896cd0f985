// The demo a fresh development instance starts with (embedded database, nothing in it yet): a
// bridge with one dial-in number, a tenant and one builtin user, made through the same
// commands the admin API uses, so they carry audit events like anything else.
import { createApiKey } from '../commands/create-api-key.js';
import { enableUser } from '../commands/enable-user.js';
import { anythingProvisioned } from '../store/bridges.js';
import { findEnabledUserByEmail, userConferenceId } from '../store/users.js';
import type { Services } from '../services.js';
import type { Actor } from '../store/audit.js';
import { createBridge } from '../commands/create-bridge.js';
import { updateBridgeSettings } from '../commands/update-bridge.js';
import { putDialInNumber } from '../commands/put-dial-in-number.js';
import { createTenant } from '../commands/create-tenant.js';

export const DEMO_NUMBER = '+15555550100';
export const DEMO_EMAIL = 'organizer@demo.example.com';

const ACTOR: Actor = { apiKeyId: null, name: 'demo seed' };

export interface DemoDetails {
  number: string;
  tenantId: string;
  userId: string;
  email: string;
  conferenceId: string | null;
  /** Shown once, here: only its hash is stored. */
  leaderPin: string | null;
  /** A new platform key, when BOOTSTRAP_ADMIN_KEY is not set; shown once. */
  adminKey: string | null;
}

/** True when nothing has been provisioned yet. */
export async function isEmpty(s: Services): Promise<boolean> {
  return !(await anythingProvisioned(s.db));
}

export async function seedDemo(s: Services): Promise<DemoDetails> {
  const bridge = await createBridge(s, ACTOR, { name: 'Demo bridge' });
  await putDialInNumber(s, ACTOR, DEMO_NUMBER, {
    bridgeId: bridge.id, type: 'toll', primaryLanguage: 'en-US', secondaryLanguages: ['es-US'], city: 'Springfield', country: 'US', speechInput: false,
  });
  await updateBridgeSettings(s, ACTOR, bridge.id, { defaultTollNumber: DEMO_NUMBER });
  const tenant = await createTenant(s, ACTOR, {
    name: 'Demo organisation', bridgeId: bridge.id, conferenceIdMode: 'static', sendEmailByDefault: false,
    pinLength: 5, allowCallersToStartMeeting: false, entryExitAnnouncements: 'tones',
  });
  const { user, leaderPin } = await enableUser(s, ACTOR, {
    tenantId: tenant.id, email: DEMO_EMAIL, displayName: 'Demo Organizer', provider: 'builtin', sendEmail: false,
  });
  const adminKey = s.config.bootstrapAdminKey ? null : (await createApiKey(s, ACTOR, { name: 'demo admin', tenantId: null, readOnly: false })).key;
  return { number: DEMO_NUMBER, tenantId: tenant.id, userId: user.id, email: user.email, conferenceId: userConferenceId(user), leaderPin, adminKey };
}

/** The demo user's current details on a later start (secrets are not recoverable). */
export async function findDemo(s: Services): Promise<Omit<DemoDetails, 'leaderPin' | 'adminKey'> | null> {
  const u = await findEnabledUserByEmail(s.db, DEMO_EMAIL);
  if (!u) return null;
  return { number: DEMO_NUMBER, tenantId: u.tenant_id, userId: u.id, email: u.email, conferenceId: userConferenceId(u) };
}
