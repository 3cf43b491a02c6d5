-- Read models for pages that cost the same at 10x the data (issue 9, item 9).
--
-- The flags page counts landings per rule from this table, rebuilt with the other read
-- models after every import and review, rather than counting the flags themselves.
CREATE TABLE landings.flag_counts (
    site_path text NOT NULL,
    code      text NOT NULL,
    severity  text NOT NULL,
    landings  integer NOT NULL,
    PRIMARY KEY (site_path, code, severity)
);
INSERT INTO landings.flag_counts (site_path, code, severity, landings)
SELECT s.site_path, f.code, f.severity, count(DISTINCT f.landing_id)
FROM landings.quality_flags f JOIN landings.surveyed_landings s ON s.id = f.landing_id
GROUP BY 1, 2, 3;
ALTER TABLE landings.flag_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON landings.flag_counts
    USING (site_path = ANY ((SELECT access.scope_paths())::text[])
           OR site_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));

-- The lists count their landings from this table when no filter narrows them (the
-- landings list, and the review queue: flagged and not yet reviewed), rebuilt with the other
-- read models; a filtered list counts its rows, up to a cap.
CREATE TABLE landings.site_counts (
    site_path          text PRIMARY KEY,
    landings           integer NOT NULL,
    flagged_unreviewed integer NOT NULL
);
INSERT INTO landings.site_counts (site_path, landings, flagged_unreviewed)
SELECT site_path, count(*),
       count(*) FILTER (WHERE (error_count > 0 OR warning_count > 0) AND review_status IS NULL)
FROM landings.surveyed_landings GROUP BY 1;
ALTER TABLE landings.site_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON landings.site_counts
    USING (site_path = ANY ((SELECT access.scope_paths())::text[])
           OR site_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));

-- Which state of the read models the pages show: moved by every rebuild, so that what a
-- page prepared from them (the dashboard's figures, chart and map) is reused until then.
CREATE TABLE landings.read_models_version (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version    bigint NOT NULL,
    rebuilt_at timestamptz NOT NULL
);
INSERT INTO landings.read_models_version (version, rebuilt_at) VALUES (1, now());

GRANT SELECT ON landings.flag_counts, landings.site_counts, landings.read_models_version
    TO tasi_app;
