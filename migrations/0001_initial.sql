-- The foundation: bridges, dial-in numbers, tenants, users, conference IDs, API keys, audit
-- events and the outbox. Never edit this file once applied; add a new numbered file instead.

-- Every row the Redis directory mirrors carries a version from this one sequence. A row's
-- version only grows (see the touch triggers), so a cache write can compare versions and
-- refuse to replace a newer entry with an older one.
CREATE SEQUENCE directory_version AS bigint;

CREATE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := nextval('directory_version');
  NEW.updated_at := now();
  RETURN NEW;
END $$;

CREATE TABLE bridges (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                    text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  default_toll_number     text,
  default_toll_free_number text,
  -- constant columns so that the foreign keys below also check the number's type
  default_toll_type       text GENERATED ALWAYS AS ('toll') STORED,
  default_toll_free_type  text GENERATED ALWAYS AS ('toll_free') STORED,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dial_in_numbers (
  number              text PRIMARY KEY CHECK (number ~ '^\+[1-9][0-9]{6,14}$'),
  bridge_id           uuid NOT NULL REFERENCES bridges(id),
  type                text NOT NULL CHECK (type IN ('toll', 'toll_free')),
  primary_language    text NOT NULL DEFAULT 'en-US',
  secondary_languages text[] NOT NULL DEFAULT '{}' CHECK (cardinality(secondary_languages) <= 4),
  city                text,
  country             text CHECK (country ~ '^[A-Z]{2}$'),
  version             bigint NOT NULL DEFAULT nextval('directory_version'),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (number, bridge_id, type)
);
CREATE INDEX dial_in_numbers_bridge ON dial_in_numbers (bridge_id, number);
CREATE TRIGGER dial_in_numbers_version BEFORE UPDATE ON dial_in_numbers
  FOR EACH ROW EXECUTE FUNCTION bump_directory_version();

-- A default number must be on the bridge and of the matching type; while it is a default it
-- cannot be deleted, moved or retyped (the contract's 409 number_in_use).
ALTER TABLE bridges
  ADD CONSTRAINT bridges_default_toll_number_fkey
    FOREIGN KEY (default_toll_number, id, default_toll_type) REFERENCES dial_in_numbers (number, bridge_id, type),
  ADD CONSTRAINT bridges_default_toll_free_number_fkey
    FOREIGN KEY (default_toll_free_number, id, default_toll_free_type) REFERENCES dial_in_numbers (number, bridge_id, type);

CREATE TABLE tenants (
  id                              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  bridge_id                       uuid NOT NULL REFERENCES bridges(id),
  conference_id_mode              text NOT NULL DEFAULT 'static' CHECK (conference_id_mode IN ('static', 'dynamic')),
  send_email_by_default           boolean NOT NULL DEFAULT true,
  pin_length                      smallint NOT NULL DEFAULT 5 CHECK (pin_length BETWEEN 4 AND 12),
  allow_callers_to_start_meeting  boolean NOT NULL DEFAULT false,
  entry_exit_announcements        text NOT NULL DEFAULT 'tones' CHECK (entry_exit_announcements IN ('tones', 'off')),
  version                         bigint NOT NULL DEFAULT nextval('directory_version'),
  created_at                      timestamptz NOT NULL DEFAULT now(),
  updated_at                      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenants_bridge ON tenants (bridge_id);
CREATE TRIGGER tenants_version BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION bump_directory_version();

CREATE TABLE users (
  id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id                   uuid NOT NULL REFERENCES tenants(id),
  email                       text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  display_name                text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  provider                    text NOT NULL CHECK (provider IN ('builtin', 'third_party')),
  -- third-party users: what their provider gave; not admitted by this service's IVR
  third_party_conference_id   text CHECK (third_party_conference_id ~ '^[1-9][0-9]{6}$'),
  third_party_toll_number     text,
  -- builtin users: "scrypt$N$r$p$salt$hash", never the PIN
  leader_pin_hash             text,
  conference_id_updated_at    timestamptz,
  -- bumped on every change, so the cached PIN hash follows PIN resets (see directory/)
  version                     bigint NOT NULL DEFAULT nextval('directory_version'),
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  disabled_at                 timestamptz,
  CHECK (provider = 'builtin' OR (third_party_conference_id IS NOT NULL AND third_party_toll_number IS NOT NULL))
);
-- one enabled user per email and tenant, whatever the case; disabled users stay for the audit trail
CREATE UNIQUE INDEX users_email_per_tenant ON users (tenant_id, lower(email)) WHERE disabled_at IS NULL;
CREATE INDEX users_tenant_page ON users (tenant_id, id) WHERE disabled_at IS NULL;
CREATE TRIGGER users_version BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION bump_directory_version();

-- One row per (bridge, ID) ever issued. The primary key makes a collision impossible; the
-- trigger below refuses to hand a row to a new owner while it is active or quarantined, so
-- invariant 7 holds in the database whatever the code does.
CREATE TABLE conference_ids (
  bridge_id         uuid NOT NULL REFERENCES bridges(id),
  conference_id     integer NOT NULL CHECK (conference_id BETWEEN 1000000 AND 9999999),
  tenant_id         uuid NOT NULL REFERENCES tenants(id),
  owner_kind        text NOT NULL CHECK (owner_kind IN ('user', 'meeting')),
  owner_id          uuid NOT NULL,
  leader_user_id    uuid NOT NULL REFERENCES users(id),
  state             text NOT NULL CHECK (state IN ('active', 'retired')),
  assigned_at       timestamptz NOT NULL DEFAULT now(),
  -- dynamic meeting IDs stop working at expires_at and are quarantined until quarantine_until
  expires_at        timestamptz,
  retired_at        timestamptz,
  retired_reason    text CHECK (retired_reason IN ('reset', 'replaced', 'user_disabled', 'meeting_cancelled', 'expired')),
  quarantine_until  timestamptz,
  version           bigint NOT NULL DEFAULT nextval('directory_version'),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bridge_id, conference_id),
  CHECK ((state = 'retired') = (retired_at IS NOT NULL)),
  CHECK (state = 'active' OR quarantine_until IS NOT NULL),
  CHECK (expires_at IS NULL OR quarantine_until IS NOT NULL)
);
CREATE UNIQUE INDEX conference_ids_one_active_per_owner ON conference_ids (owner_kind, owner_id) WHERE state = 'active';
CREATE INDEX conference_ids_tenant ON conference_ids (tenant_id) WHERE state = 'active';
CREATE INDEX conference_ids_leader ON conference_ids (leader_user_id) WHERE state = 'active';
CREATE INDEX conference_ids_expiring ON conference_ids (expires_at) WHERE state = 'active' AND expires_at IS NOT NULL;

CREATE FUNCTION guard_conference_id_reuse() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  free_again boolean := (OLD.state = 'retired' OR (OLD.expires_at IS NOT NULL AND OLD.expires_at <= now()))
                        AND OLD.quarantine_until IS NOT NULL AND OLD.quarantine_until <= now();
BEGIN
  IF NOT free_again AND (
       (NEW.owner_kind, NEW.owner_id) IS DISTINCT FROM (OLD.owner_kind, OLD.owner_id)
       OR (OLD.state = 'retired' AND NEW.state = 'active')) THEN
    RAISE EXCEPTION 'conference ID % is active or quarantined on bridge %', OLD.conference_id, OLD.bridge_id
      USING ERRCODE = 'P0409', CONSTRAINT = 'conference_ids_quarantine';
  END IF;
  NEW.version := nextval('directory_version');
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER conference_ids_guard BEFORE UPDATE ON conference_ids
  FOR EACH ROW EXECUTE FUNCTION guard_conference_id_reuse();

CREATE TABLE api_keys (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  tenant_id   uuid REFERENCES tenants(id),
  read_only   boolean NOT NULL DEFAULT false,
  -- the visible part of the key, used to find the row; the rest is only hashed
  prefix      text NOT NULL UNIQUE,
  key_hash    bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE audit_events (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq           bigserial NOT NULL,
  tenant_id     uuid REFERENCES tenants(id),
  at            timestamptz NOT NULL DEFAULT now(),
  actor_key_id  uuid,
  actor_name    text NOT NULL,
  action        text NOT NULL,
  target_type   text NOT NULL,
  target_id     text NOT NULL,
  details       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_tenant_newest ON audit_events (tenant_id, seq DESC);

-- Side effects that must not be lost (emails, meeting migration, bulk work): written in the
-- same transaction as the change that causes them, delivered by the outbox worker.
CREATE TABLE outbox (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL,
  tenant_id        uuid REFERENCES tenants(id),
  payload          jsonb NOT NULL,
  -- AES-256-GCM with SECRETS_KEY (e.g. a PIN to be emailed); erased once sent or given up
  secret           bytea,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead', 'undeliverable')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  done_at          timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
