-- Per-tenant quotas (src/store/quotas.ts): how much of each limited action a tenant used in one
-- fixed window (an hour or a day, starting on a multiple of its length since the epoch, UTC).
-- A row is counted up with INSERT ... ON CONFLICT DO UPDATE ... WHERE used + n <= limit: the row
-- lock makes concurrent requests take turns, so a quota holds under any parallelism. Never edit
-- this file once applied; add a new numbered file instead.
CREATE TABLE tenant_quota_usage (
  tenant_id    uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('id_conflicts', 'emails', 'id_changes')),
  window_start timestamptz NOT NULL,
  used         integer NOT NULL CHECK (used >= 0),
  PRIMARY KEY (tenant_id, kind, window_start)
);

-- old windows are pruned by the outbox pruner (src/outbox/pruner.ts)
CREATE INDEX tenant_quota_usage_window ON tenant_quota_usage (window_start);

-- When each tenant last had a message of a kind claimed (src/store/outbox-claims.ts,
-- claimDueFairly): the job lane serves the tenant that waited longest first (round-robin), so
-- one tenant's backlog of old jobs cannot keep another's newer job waiting.
CREATE TABLE outbox_tenant_turns (
  kind            text NOT NULL,
  tenant_id       uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  last_claimed_at timestamptz NOT NULL,
  PRIMARY KEY (kind, tenant_id)
);
