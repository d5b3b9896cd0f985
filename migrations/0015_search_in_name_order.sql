-- User search that finds a page of a common term in name order without sorting its matches
-- (store/user-search.ts has the plans and why; docs/api.md what `q` promises).
--
-- 1. Names sort in code-point order of the lowercased name (COLLATE "C"), the same on every
--    database whatever its locale, so that the order can be encoded in integers (3).
CREATE INDEX users_tenant_by_name_c ON users (tenant_id, (lower(display_name) COLLATE "C"), id) WHERE disabled_at IS NULL;
DROP INDEX users_tenant_by_name;

-- 2. What a search looks in: the lowercased name and email, each run of characters other than
--    letters and digits made one space, with a space in front. "Zoe O'Brien", zoe.obrien@x.example
--    -> ' zoe o brien zoe obrien x example'. A word start is then ' ' followed by the word, and
--    a term that occurs in the name or email occurs here once normalised the same way
--    (user_search_term): this text narrows, the exact conditions decide.
--    The two functions repeat one expression rather than call each other: PostgreSQL 17 builds
--    indexes with only pg_catalog on the search_path, where user_search_term would not be found.
CREATE FUNCTION user_search_term(term text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT regexp_replace(lower(term), '[^[:alnum:]]+', ' ', 'g') $$;
CREATE FUNCTION user_search_text(display_name text, email text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ' ' || regexp_replace(lower(display_name), '[^[:alnum:]]+', ' ', 'g') || ' ' || regexp_replace(lower(email), '[^[:alnum:]]+', ' ', 'g') $$;

-- 3. The name order as two integers: bytes 1-6 (part 0) and 7-12 (part 1) of the lowercased name
--    in UTF-8, big-endian, zero-padded. Byte order is code-point order, so a smaller key is an
--    earlier name; names that share their first 12 bytes have equal keys and are put in order by
--    the search itself. Six bytes, not eight: the index compares distances as double precision,
--    exact only up to 2^53. (Declared IMMUTABLE for the index: convert_to is only STABLE because
--    of encodings, and the database is UTF-8.)
CREATE FUNCTION user_name_key(display_name text, part int) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ('x0000' || rpad(encode(substring(convert_to(lower(display_name), 'UTF8') from 1 + 6 * part for 6), 'hex'), 12, '0'))::bit(64)::bigint $$;

-- 4. One GiST index over the tenant, the name keys and the search text's trigrams: a scan of it
--    ordered by distance from the cursor's key (K-nearest-neighbour, btree_gist's `<->` on
--    bigint) returns the matches in name order and skips every part of the tree whose trigrams
--    cannot hold the term, so the first page of "zoe" comes at once even when every Zoe sorts
--    last. btree_gist and pg_trgm ship with PostgreSQL's contrib (and PGlite, store/embedded.ts);
--    without them the search still answers, by sorting every match (slower on large tenants).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')
     OR NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist') THEN
    RAISE WARNING 'pg_trgm or btree_gist is not available: user search sorts every match (slower on large tenants)';
    RETURN;
  END IF;
  BEGIN
    CREATE EXTENSION IF NOT EXISTS btree_gist;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'btree_gist could not be created (insufficient privilege): user search sorts every match';
    RETURN;
  END;
  CREATE INDEX users_search_ordered ON users USING gist (
    tenant_id, user_name_key(display_name, 0), user_name_key(display_name, 1),
    user_search_text(display_name, email) gist_trgm_ops (siglen = 256)
  ) WHERE disabled_at IS NULL;
END $$;
