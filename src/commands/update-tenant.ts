// Changes a tenant's settings; those callers depend on reach the directory with the change.
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { countEnabledUsers, findTenant, findTenantSettings, updateTenant, type TenantRow, type TenantSettings } from '../store/tenants.js';
import { tenantSettingsChange } from '../directory/changes.js';

export async function updateTenantSettings(s: Services, actor: Actor, tenantId: string, patch: Partial<TenantSettings>): Promise<TenantRow> {
  return s.db.transaction(async (tx) => {
    const current = await findTenant(tx, tenantId, { lock: true });
    if (!current) throw notFound('tenant');
    if (patch.conferenceIdMode !== undefined && patch.conferenceIdMode !== current.conference_id_mode && (await countEnabledUsers(tx, tenantId)) > 0) {
      throw new AppError('not_supported', 'conferenceIdMode can only change while the tenant has no enabled users');
    }
    const was: TenantSettings = {
      name: current.name,
      conferenceIdMode: current.conference_id_mode,
      sendEmailByDefault: current.send_email_by_default,
      pinLength: current.pin_length,
      allowCallersToStartMeeting: current.allow_callers_to_start_meeting,
      entryExitAnnouncements: current.entry_exit_announcements,
    };
    const next: TenantSettings = {
      name: patch.name ?? current.name,
      conferenceIdMode: patch.conferenceIdMode ?? current.conference_id_mode,
      sendEmailByDefault: patch.sendEmailByDefault ?? current.send_email_by_default,
      pinLength: patch.pinLength ?? current.pin_length,
      allowCallersToStartMeeting: patch.allowCallersToStartMeeting ?? current.allow_callers_to_start_meeting,
      entryExitAnnouncements: patch.entryExitAnnouncements ?? current.entry_exit_announcements,
    };
    const updated = await updateTenant(tx, tenantId, next);
    // what callers' answers depend on, the destination included, as it is now
    s.directory.stage(tx, [tenantSettingsChange(s.keys, (await findTenantSettings(tx, tenantId))!)]);
    // what the change replaced, so the audit log shows before and after
    const previous = Object.fromEntries(Object.keys(patch).map((k) => [k, was[k as keyof TenantSettings]]));
    await recordAudit(tx, { tenantId, actor, action: 'tenant.updated', target: { type: 'tenant', id: tenantId }, details: { ...patch, previous } });
    return updated;
  });
}
