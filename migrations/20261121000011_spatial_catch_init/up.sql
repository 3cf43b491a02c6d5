-- Spatial-catch context: matches of surveyed landings to tracked trips, the gear and
-- habitat imputed for unmatched trips, the effort grid, and the match rates. All are read
-- models rebuilt by the owner from the landings and tracking contexts' published views.
CREATE SCHEMA spatial_catch;

-- Published by the landings context for spatial catch: every dated landing with the
-- tracker id as written, and its catch and effort when the rule set counts it.
CREATE VIEW landings.v1_landing_trackers WITH (security_invoker = true) AS
    SELECT id, source_id, landing_date, site_path, municipality, imei, gear_code,
           summary_habitat_code AS habitat_code,
           CASE WHEN counts_in_summaries THEN catch_kg END AS catch_kg,
           CASE WHEN counts_in_summaries THEN effort_fisher_hours END AS effort_fisher_hours
    FROM landings.surveyed_landings WHERE landing_date IS NOT NULL;

CREATE TABLE spatial_catch.matches (
    landing_id        uuid PRIMARY KEY,
    trip_id           uuid NOT NULL UNIQUE,
    landing_source_id bigint NOT NULL,
    trip_source_id    bigint NOT NULL,
    imei              text NOT NULL,
    match_date        date NOT NULL,
    via               text NOT NULL,
    site_path         text NOT NULL
);

CREATE TABLE spatial_catch.match_rates (
    month                 date NOT NULL,
    municipality          text,
    landings_with_tracker integer NOT NULL,
    landings_matched      integer NOT NULL,
    trips                 integer NOT NULL,
    trips_matched         integer NOT NULL,
    jurisdiction_path     text NOT NULL
);

CREATE TABLE spatial_catch.imputations (
    trip_id                 uuid PRIMARY KEY,
    donor_trip_id           uuid NOT NULL,
    donor_landing_source_id bigint NOT NULL,
    gear_code               smallint,
    habitat_code            smallint,
    distance                double precision NOT NULL,
    too_far                 boolean NOT NULL,
    site_path               text NOT NULL
);

CREATE TABLE spatial_catch.effort_cells (
    jurisdiction_path   text NOT NULL,
    municipality        text,
    month               date NOT NULL,
    cell_row            integer NOT NULL,
    cell_col            integer NOT NULL,
    gear_code           smallint,
    boat_code           smallint,
    trips               integer NOT NULL,
    matched_trips       integer NOT NULL,
    imputed_gear_trips  integer NOT NULL,
    catch_kg            double precision NOT NULL,
    effort_fisher_hours double precision NOT NULL,
    cpue                double precision
);
CREATE INDEX effort_cells_month ON spatial_catch.effort_cells (month, jurisdiction_path);

-- One row per rebuild: how well matching agrees with the source's links and how well the
-- imputation does under leave-one-out cross-validation. Aggregate figures, not records.
CREATE TABLE spatial_catch.runs (
    id               bigserial PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT now(),
    landings         integer NOT NULL,
    trips            integer NOT NULL,
    matches          integer NOT NULL,
    reference_links  integer NOT NULL,
    true_positives   integer NOT NULL,
    precision        double precision,
    recall           double precision,
    donors           integer NOT NULL,
    gear_accuracy    double precision,
    habitat_accuracy double precision,
    imputed          integer NOT NULL
);

ALTER TABLE spatial_catch.matches ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON spatial_catch.matches
    USING (site_path = ANY ((SELECT access.scope_paths())::text[])
           OR site_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));
ALTER TABLE spatial_catch.imputations ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON spatial_catch.imputations
    USING (site_path = ANY ((SELECT access.scope_paths())::text[])
           OR site_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));
ALTER TABLE spatial_catch.match_rates ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON spatial_catch.match_rates
    USING (jurisdiction_path = ANY ((SELECT access.scope_paths())::text[])
           OR jurisdiction_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));
ALTER TABLE spatial_catch.effort_cells ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON spatial_catch.effort_cells
    USING (jurisdiction_path = ANY ((SELECT access.scope_paths())::text[])
           OR jurisdiction_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));

GRANT USAGE ON SCHEMA spatial_catch TO tasi_app;
GRANT SELECT ON ALL TABLES IN SCHEMA spatial_catch TO tasi_app;
GRANT SELECT ON landings.v1_landing_trackers TO tasi_app;

-- Whether a tracked trip or vessel exists at all (one bit, for the audit of a refused
-- request; the answer stays 404), like landings.record_exists.
CREATE FUNCTION tracking.record_exists(kind text, record text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT CASE kind
        WHEN 'trip' THEN EXISTS (SELECT 1 FROM tracking.tracked_trips WHERE id::text = record)
        WHEN 'vessel' THEN EXISTS (SELECT 1 FROM tracking.vessels WHERE id = record)
        ELSE false END
$$;
REVOKE ALL ON FUNCTION tracking.record_exists(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tracking.record_exists(text, text) TO tasi_app;
