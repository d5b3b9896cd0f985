// Tenants and their settings. A tenant uses one bridge for good; without one, it gets its own.
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services.js';
import { recordAudit, type Actor } from '../store/audit.js';
import { findBridge, insertBridge } from '../store/bridges.js';
import { countEnabledUsers, findTenant, insertTenant, updateTenant, type TenantRow, type TenantSettings } from '../store/tenants.js';
import { tenantSettingsChange } from '../directory/changes.js';

export async function createTenant(s: Services, actor: Actor, input: TenantSettings & { bridgeId?: string }): Promise<TenantRow> {
  return s.db.transaction(async (tx) => {
    let bridgeId = input.bridgeId;
    if (bridgeId) {
      if (!(await findBridge(tx, bridgeId))) throw new AppError('validation_failed', 'bridgeId: no such bridge', [{ path: 'bridgeId', message: 'no such bridge' }]);
    } else {
      bridgeId = (await insertBridge(tx, input.name)).id;
    }
    const tenant = await insertTenant(tx, bridgeId, input);
    await recordAudit(tx, { tenantId: tenant.id, actor, action: 'tenant.created', target: { type: 'tenant', id: tenant.id }, details: { ...input, bridgeId } });
    return tenant;
  });
}

export async function patchTenant(s: Services, actor: Actor, tenantId: string, patch: Partial<TenantSettings>): Promise<TenantRow> {
  return s.db.transaction(async (tx) => {
    const current = await findTenant(tx, tenantId, { lock: true });
    if (!current) throw notFound('tenant');
    if (patch.conferenceIdMode !== undefined && patch.conferenceIdMode !== current.conference_id_mode && (await countEnabledUsers(tx, tenantId)) > 0) {
      throw new AppError('not_supported', 'conferenceIdMode can only change while the tenant has no enabled users');
    }
    const next: TenantSettings = {
      name: patch.name ?? current.name,
      conferenceIdMode: patch.conferenceIdMode ?? current.conference_id_mode,
      sendEmailByDefault: patch.sendEmailByDefault ?? current.send_email_by_default,
      pinLength: patch.pinLength ?? current.pin_length,
      allowCallersToStartMeeting: patch.allowCallersToStartMeeting ?? current.allow_callers_to_start_meeting,
      entryExitAnnouncements: patch.entryExitAnnouncements ?? current.entry_exit_announcements,
    };
    const updated = await updateTenant(tx, tenantId, next);
    s.directory.stage(tx, [tenantSettingsChange(s.keys, updated)]);
    await recordAudit(tx, { tenantId, actor, action: 'tenant.updated', target: { type: 'tenant', id: tenantId }, details: { ...patch } });
    return updated;
  });
}
