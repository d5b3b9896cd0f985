-- Name-sorted listing and search of users (and tenants) in the admin API and console.
--
-- The listing pages through a tenant's users by (lower(display_name), id): this index serves it
-- in order, and also serves a search for a common term (walk in name order, filter, stop at the
-- page size: store/user-search.ts), from the index alone since it includes what is matched.
CREATE INDEX users_tenant_by_name ON users (tenant_id, lower(display_name), id) INCLUDE (display_name, email) WHERE disabled_at IS NULL;
CREATE INDEX tenants_by_name ON tenants (lower(name), id);

-- `?q=` is a case-insensitive substring match on display name and email: trigram GIN indexes
-- (pg_trgm) answer it for a rare term without reading the tenant's users. pg_trgm ships with
-- PostgreSQL's contrib (and with PGlite, which loads it in store/embedded.ts); where it is not
-- installed, or this role may not create it, the search still works (a scan) and we say so.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    RAISE WARNING 'pg_trgm is not available: user search runs without its trigram indexes (slower on large tenants)';
    RETURN;
  END IF;
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'pg_trgm could not be created (insufficient privilege): user search runs without its trigram indexes';
    RETURN;
  END;
  CREATE INDEX users_search_name ON users USING gin (lower(display_name) gin_trgm_ops) WHERE disabled_at IS NULL;
  CREATE INDEX users_search_email ON users USING gin (lower(email) gin_trgm_ops) WHERE disabled_at IS NULL;
  CREATE INDEX tenants_search_name ON tenants USING gin (lower(name) gin_trgm_ops);
END $$;
