-- The outbox worker's lease, meetings, jobs with per-unit items, and per-user default numbers.
-- Never edit this file once applied; add a new numbered file instead.

-- A worker that claims a message writes a fresh claim token and moves next_attempt_at to the
-- end of its lease. Only the holder of the current token may settle the row; a worker that
-- dies leaves the row to be claimed again once the lease has run out.
ALTER TABLE outbox
  ADD COLUMN claim_token uuid,
  ADD COLUMN claimed_by  text,
  ADD COLUMN sent_at     timestamptz;
-- each worker lane claims one kind, oldest due first: a backlog of one kind must not slow the others
CREATE INDEX outbox_due_by_kind ON outbox (kind, next_attempt_at) WHERE status = 'pending';
DROP INDEX outbox_due; -- replaced by the one above
-- what operators look at: messages given up on, newest first
CREATE INDEX outbox_settled_problems ON outbox (status, id DESC) WHERE status IN ('dead', 'undeliverable');
-- the pruner deletes settled rows past their retention (see outbox/build-worker.ts)
CREATE INDEX outbox_settled_at ON outbox (done_at) WHERE status <> 'pending';
-- a secret may only be held while the message is pending (invariant 8)
ALTER TABLE outbox ADD CONSTRAINT outbox_secret_only_while_pending CHECK (secret IS NULL OR status = 'pending');

-- Per-user default numbers (Microsoft's Set-CsOnlineDialInConferencingUserDefaultNumber): null
-- means "the bridge's default". Only honoured while the number is on the user's bridge and of
-- the right type (see store/users.ts); a deleted number falls back to the bridge default.
ALTER TABLE users
  ADD COLUMN default_toll_number      text REFERENCES dial_in_numbers (number) ON DELETE SET NULL,
  ADD COLUMN default_toll_free_number text REFERENCES dial_in_numbers (number) ON DELETE SET NULL;

CREATE TABLE meetings (
  id                   uuid PRIMARY KEY,
  tenant_id            uuid NOT NULL REFERENCES tenants(id),
  organizer_id         uuid NOT NULL REFERENCES users(id),
  subject              text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
  starts_at            timestamptz NOT NULL,
  ends_at              timestamptz CHECK (ends_at IS NULL OR ends_at >= starts_at),
  attendees            text[] NOT NULL DEFAULT '{}' CHECK (cardinality(attendees) <= 500),
  -- 'organizer': the organizer's static ID, copied (moved by meeting migration);
  -- 'own': a dynamic ID of its own (a conference_ids row with owner_kind 'meeting')
  id_kind              text NOT NULL CHECK (id_kind IN ('organizer', 'own')),
  conference_id        text NOT NULL CHECK (conference_id ~ '^[1-9][0-9]{6}$'),
  -- the numbers printed on the invitation when it was last sent
  toll_number          text,
  toll_free_number     text,
  expires_at           timestamptz,
  invitation_sequence  integer NOT NULL DEFAULT 0,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
-- "future meetings of an organizer": those that have not ended (or started, without an end)
CREATE INDEX meetings_organizer_upcoming ON meetings (organizer_id, (coalesce(ends_at, starts_at)));

-- Long work split into units (a user, a meeting). Each item is done in the same transaction as
-- its effect, so a unit is never done twice and a restart resumes where the last commit left.
CREATE TABLE jobs (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind          text NOT NULL CHECK (kind IN ('meeting_migration', 'conference_id_reset', 'default_number_move')),
  tenant_id     uuid REFERENCES tenants(id),
  bridge_id     uuid REFERENCES bridges(id),
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  params        jsonb NOT NULL DEFAULT '{}',
  actor_key_id  uuid,
  actor_name    text NOT NULL,
  total         integer NOT NULL DEFAULT 0,
  succeeded     integer NOT NULL DEFAULT 0,
  failed        integer NOT NULL DEFAULT 0,
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz
);
CREATE INDEX jobs_tenant ON jobs (tenant_id, created_at DESC);

CREATE TABLE job_items (
  job_id   uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  unit_id  uuid NOT NULL,
  state    text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
  error    text,
  done_at  timestamptz,
  PRIMARY KEY (job_id, unit_id)
);
CREATE INDEX job_items_pending ON job_items (job_id, unit_id) WHERE state = 'pending';
CREATE INDEX job_items_failed ON job_items (job_id, unit_id) WHERE state = 'failed';
