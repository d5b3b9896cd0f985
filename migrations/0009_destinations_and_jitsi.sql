-- Meeting destinations (where a valid conference ID leads: Twilio conference rooms, or a SIP
-- endpoint such as Jitsi's Jigasi), Jitsi integrations (the public conference mapper), and the
-- rooms the mapper issued conference IDs for. Never edit this file once applied; add a new
-- numbered file instead.

-- A destination belongs to a tenant, or to a bridge (then it applies to the bridge's tenants
-- that have none of their own); no row at all means Twilio rooms. Secrets are sealed with
-- SECRETS_KEY (AES-256-GCM, src/lib/secret-box.ts, bound to the row id) and never returned.
-- A change to a destination touches the tenants it applies to, so their cached call settings
-- (which carry the destination) get a new version (see src/commands/put-destination.ts).
CREATE TABLE meeting_destinations (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id             uuid UNIQUE REFERENCES tenants(id),
  bridge_id             uuid UNIQUE REFERENCES bridges(id),
  kind                  text NOT NULL CHECK (kind IN ('twilio', 'sip')),
  uri_template          text CHECK (length(uri_template) BETWEEN 5 AND 200),
  room_header           text CHECK (room_header ~ '^X-[A-Za-z0-9-]{1,64}$'),
  role_header           text CHECK (role_header ~ '^X-[A-Za-z0-9-]{1,64}$'),
  sip_username          text CHECK (length(sip_username) BETWEEN 1 AND 128),
  sip_password          bytea,
  room_password_header  text CHECK (room_password_header ~ '^X-[A-Za-z0-9-]{1,64}$'),
  room_password         bytea,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK ((tenant_id IS NULL) <> (bridge_id IS NULL)),
  CHECK (kind = 'twilio' OR (uri_template IS NOT NULL AND room_header IS NOT NULL)),
  CHECK (kind = 'sip' OR (uri_template IS NULL AND room_header IS NULL AND role_header IS NULL
                          AND sip_username IS NULL AND room_password_header IS NULL)),
  CHECK ((sip_username IS NULL) = (sip_password IS NULL)),
  CHECK ((room_password_header IS NULL) = (room_password IS NULL))
);

-- A Jitsi deployment a tenant lets use the mapper: the MUC domains it answers for, the browser
-- origins allowed by CORS, and a cap on live mapper IDs so that a public, unauthenticated
-- endpoint cannot exhaust the bridge's IDs.
CREATE TABLE jitsi_integrations (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants(id),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  muc_domains      text[] NOT NULL CHECK (cardinality(muc_domains) BETWEEN 1 AND 20),
  allowed_origins  text[] NOT NULL DEFAULT '{}' CHECK (cardinality(allowed_origins) <= 20),
  max_live_ids     integer NOT NULL CHECK (max_live_ids > 0),
  -- active mapper IDs of the integration's rooms; kept by the trigger below, whoever retires them
  live_ids         integer NOT NULL DEFAULT 0 CHECK (live_ids >= 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz
);
CREATE INDEX jitsi_integrations_tenant ON jitsi_integrations (tenant_id, created_at) WHERE deleted_at IS NULL;

-- A Jitsi room the mapper has seen: the owner of a conference ID (owner_kind 'room'). Its name
-- (the conference JID) never changes, so its cached copy (the SIP header the caller is sent
-- with) needs no more than the row's version.
CREATE TABLE jitsi_rooms (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  integration_id  uuid NOT NULL REFERENCES jitsi_integrations(id),
  tenant_id       uuid NOT NULL REFERENCES tenants(id),
  bridge_id       uuid NOT NULL REFERENCES bridges(id),
  conference      text NOT NULL CHECK (length(conference) BETWEEN 3 AND 256),
  version         bigint NOT NULL DEFAULT nextval('directory_version'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_lookup_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (integration_id, conference)
);
CREATE INDEX jitsi_rooms_integration_page ON jitsi_rooms (integration_id, id);
CREATE INDEX jitsi_rooms_bridge_page ON jitsi_rooms (bridge_id, id);

-- Conference IDs may now be owned by a room, which has no leader (no PIN, no organizer step).
ALTER TABLE conference_ids
  DROP CONSTRAINT conference_ids_owner_kind_check,
  ADD CONSTRAINT conference_ids_owner_kind_check CHECK (owner_kind IN ('user', 'meeting', 'room')),
  ALTER COLUMN leader_user_id DROP NOT NULL,
  ADD CONSTRAINT conference_ids_leader_unless_room CHECK ((owner_kind = 'room') = (leader_user_id IS NULL)),
  DROP CONSTRAINT conference_ids_retired_reason_check,
  ADD CONSTRAINT conference_ids_retired_reason_check
    CHECK (retired_reason IN ('reset', 'replaced', 'user_disabled', 'meeting_cancelled', 'expired', 'integration_removed'));

-- Counts each integration's live mapper IDs in the same statement that issues, reuses, retires
-- or expires one (the sweeper included), so the cap cannot drift from the rows.
CREATE FUNCTION count_live_mapper_ids() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_live boolean := TG_OP = 'UPDATE' AND OLD.owner_kind = 'room' AND OLD.state = 'active';
  is_live  boolean := NEW.owner_kind = 'room' AND NEW.state = 'active';
BEGIN
  IF was_live AND is_live AND OLD.owner_id = NEW.owner_id THEN
    RETURN NULL;
  END IF;
  IF was_live THEN
    UPDATE jitsi_integrations i SET live_ids = i.live_ids - 1
      FROM jitsi_rooms r WHERE r.id = OLD.owner_id AND i.id = r.integration_id;
  END IF;
  IF is_live THEN
    UPDATE jitsi_integrations i SET live_ids = i.live_ids + 1
      FROM jitsi_rooms r WHERE r.id = NEW.owner_id AND i.id = r.integration_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER conference_ids_live_mapper_insert AFTER INSERT ON conference_ids
  FOR EACH ROW WHEN (NEW.owner_kind = 'room') EXECUTE FUNCTION count_live_mapper_ids();
CREATE TRIGGER conference_ids_live_mapper_update AFTER UPDATE ON conference_ids
  FOR EACH ROW WHEN (OLD.owner_kind = 'room' OR NEW.owner_kind = 'room') EXECUTE FUNCTION count_live_mapper_ids();
