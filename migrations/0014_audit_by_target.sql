-- The audit log filtered by one user or resource (the console's user page, ?targetId=): without
-- this, the filter walks the tenant's whole trail newest first.
CREATE INDEX IF NOT EXISTS audit_events_tenant_target_newest ON audit_events (tenant_id, target_id, seq DESC);
