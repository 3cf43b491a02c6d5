-- Row-level security: the second wall behind the application's own scoping.
--
-- The web application connects as `tasi_app`, a login role that is neither superuser nor
-- BYPASSRLS and owns nothing. Migrations, imports from the command line and the read-model
-- projector connect as the owner of the schemas (the role that runs this migration), which
-- row-level security does not filter.
--
-- Each transaction of the application states whose scope it runs in:
--     SELECT set_config('tasi.scope', '["Timor-Leste/Atauro"]', true)   -- i.e. SET LOCAL
-- a JSON array of jurisdiction paths. A path covers itself and everything below it. With
-- no scope set, or an empty one, the fishery tables show no rows at all (fail closed).

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tasi_app') THEN
        BEGIN
            CREATE ROLE tasi_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created at the same moment by a migration of another database
        END;
    END IF;
END
$$;

-- The scope of the current transaction: its paths, and the same as LIKE patterns of their
-- subtrees (`Timor-Leste/Atauro/%`, with LIKE's wildcards escaped).
CREATE FUNCTION access.scope_paths() RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(p), '{}')
    FROM jsonb_array_elements_text(
        coalesce(nullif(current_setting('tasi.scope', true), ''), '[]')::jsonb) AS p
$$;
CREATE FUNCTION access.scope_prefixes() RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(replace(replace(replace(p, '\', '\\'), '%', '\%'), '_', '\_')
                              || '/%'), '{}')
    FROM unnest(access.scope_paths()) AS p
$$;

-- Read models carry the jurisdiction they describe (empty: nobody's, until rebuilt).
ALTER TABLE landings.monthly_summaries ADD COLUMN jurisdiction_path text NOT NULL DEFAULT '';
ALTER TABLE landings.monthly_species_catch ADD COLUMN jurisdiction_path text NOT NULL DEFAULT '';

-- The outbox of the landings context: a review asks for the read models to be rebuilt;
-- the projector (owner rights) does it after the review commits, and again at start-up
-- and periodically for any request it has not done yet.
CREATE TABLE landings.outbox (
    id           bigserial PRIMARY KEY,
    topic        text NOT NULL,
    payload      jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
);
CREATE INDEX outbox_pending ON landings.outbox (id) WHERE processed_at IS NULL;

-- Policies. The sub-selects `(SELECT access.scope_…())` are evaluated once per query.
ALTER TABLE landings.surveyed_landings ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON landings.surveyed_landings
    USING (site_path = ANY ((SELECT access.scope_paths())::text[])
           OR site_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));

ALTER TABLE landings.catch_lines ENABLE ROW LEVEL SECURITY;
CREATE POLICY of_visible_landing ON landings.catch_lines
    USING (landing_id IN (SELECT id FROM landings.surveyed_landings));

ALTER TABLE landings.quality_flags ENABLE ROW LEVEL SECURITY;
CREATE POLICY of_visible_landing ON landings.quality_flags
    USING (landing_id IN (SELECT id FROM landings.surveyed_landings));

ALTER TABLE landings.reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY of_visible_landing ON landings.reviews
    USING (landing_id IN (SELECT id FROM landings.surveyed_landings));

ALTER TABLE landings.imports ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON landings.imports
    USING (jurisdiction_path = ANY ((SELECT access.scope_paths())::text[])
           OR jurisdiction_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));

ALTER TABLE landings.rejected_rows ENABLE ROW LEVEL SECURITY;
CREATE POLICY of_visible_import ON landings.rejected_rows
    USING (import_id IN (SELECT id FROM landings.imports));

ALTER TABLE landings.monthly_summaries ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON landings.monthly_summaries
    USING (jurisdiction_path = ANY ((SELECT access.scope_paths())::text[])
           OR jurisdiction_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));

ALTER TABLE landings.monthly_species_catch ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON landings.monthly_species_catch
    USING (jurisdiction_path = ANY ((SELECT access.scope_paths())::text[])
           OR jurisdiction_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));

-- Published views run with the rights of whoever reads them, so the policies apply.
ALTER VIEW landings.v1_validated_landings SET (security_invoker = true);
ALTER VIEW landings.v1_monthly_summaries SET (security_invoker = true);

-- Whether a record exists at all, whoever's it is: used only to audit a request for a
-- record outside the caller's scope (it still answers 404). Reveals one bit, never a row.
CREATE FUNCTION landings.record_exists(kind text, record uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT CASE kind
        WHEN 'landing' THEN EXISTS (SELECT 1 FROM landings.surveyed_landings WHERE id = record)
        WHEN 'import' THEN EXISTS (SELECT 1 FROM landings.imports WHERE id = record)
        ELSE false END
$$;
REVOKE ALL ON FUNCTION landings.record_exists(text, uuid) FROM PUBLIC;

-- What the application may do. Nothing else: no DDL, no TRUNCATE, no UPDATE or DELETE of
-- the audit log or of reviews.
GRANT USAGE ON SCHEMA geography, landings, access TO tasi_app;
GRANT SELECT ON ALL TABLES IN SCHEMA geography TO tasi_app;
GRANT SELECT ON ALL TABLES IN SCHEMA landings TO tasi_app;
GRANT UPDATE ON landings.surveyed_landings TO tasi_app;
GRANT INSERT, DELETE ON landings.quality_flags TO tasi_app;
GRANT INSERT ON landings.reviews, landings.outbox TO tasi_app;
REVOKE SELECT ON landings.outbox FROM tasi_app;
GRANT USAGE ON SEQUENCE landings.reviews_id_seq, landings.outbox_id_seq TO tasi_app;
GRANT EXECUTE ON FUNCTION access.scope_paths(), access.scope_prefixes(),
    landings.record_exists(text, uuid) TO tasi_app;
GRANT SELECT, INSERT, UPDATE ON access.users TO tasi_app;
GRANT SELECT, INSERT, DELETE ON access.grants TO tasi_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON access.sessions, access.password_tokens TO tasi_app;
GRANT SELECT, INSERT ON access.audit_log TO tasi_app;
GRANT USAGE ON SEQUENCE access.audit_log_id_seq TO tasi_app;
