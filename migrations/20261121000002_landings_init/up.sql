-- Landings context: surveyed landings, catch lines, species, quality flags, imports and
-- the monthly summary read model.
--
-- A surveyed landing, its catch lines and its flags form one aggregate, written and
-- replaced whole by the landings adapter inside one transaction. The links from catch lines
-- and flags to their landing (and from landings to their import) are therefore checked once
-- per import by a set-based query in that transaction, not by foreign-key triggers that
-- would check them row by row (they tripled the cost of an import).
CREATE SCHEMA landings;

CREATE TABLE landings.imports (
    id          uuid PRIMARY KEY,
    source      text NOT NULL,
    location    text NOT NULL,
    rule_set    text NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    started_by  text NOT NULL,
    counts      jsonb NOT NULL
);

CREATE TABLE landings.rejected_rows (
    id          bigserial PRIMARY KEY,
    import_id   uuid NOT NULL REFERENCES landings.imports (id),
    file        text NOT NULL,
    line        bigint NOT NULL,
    column_name text,
    reason      text NOT NULL,
    raw         text NOT NULL
);
CREATE INDEX rejected_rows_import ON landings.rejected_rows (import_id, file, line);

CREATE TABLE landings.species (
    code        integer PRIMARY KEY,
    common_name text NOT NULL,
    tetum_name  text NOT NULL
);

CREATE TABLE landings.surveyed_landings (
    id                   uuid PRIMARY KEY,
    source               text NOT NULL,
    source_id            bigint NOT NULL,
    fingerprint          text NOT NULL,
    import_id            uuid NOT NULL,
    landing_date         date,
    site_code            text NOT NULL,
    site_path            text NOT NULL,
    municipality         text,
    habitat_code         smallint,
    boat_code            smallint,
    gear_code            smallint,
    has_tracker          boolean,
    imei                 text,
    mesh_inches          double precision,
    hours_at_sea         double precision,
    men                  integer,
    women                integer,
    children             integer,
    fishers              double precision,
    fisher_hours         double precision,
    catch_value_usd      double precision,
    rank                 smallint,
    boats_landing        integer,
    gleaners             integer,
    source_flag          smallint,
    note                 text,
    -- the rule set's assessment
    rule_set             text NOT NULL,
    is_valid             boolean NOT NULL,
    counts_in_summaries  boolean NOT NULL,
    effort_fisher_hours  double precision,
    repaired_hours_at_sea double precision,
    summary_habitat_code smallint,
    catch_kg             double precision NOT NULL,
    summary_value_usd    double precision,
    error_count          integer NOT NULL,
    warning_count        integer NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX surveyed_landings_date ON landings.surveyed_landings (landing_date, source_id);
-- text_pattern_ops: serves both `site_path = …` and the scope's `site_path LIKE 'A/B/%'`.
CREATE INDEX surveyed_landings_site ON landings.surveyed_landings (site_path text_pattern_ops);

CREATE TABLE landings.catch_lines (
    landing_id   uuid NOT NULL,
    line_no      integer NOT NULL,
    species_code integer,
    length_cm    double precision,
    fish_count   double precision,
    weight_g     double precision,
    catch_use    text,
    source_flag  smallint,
    note         text,
    PRIMARY KEY (landing_id, line_no)
);

CREATE TABLE landings.quality_flags (
    landing_id uuid NOT NULL,
    seq        integer NOT NULL,
    rule_set   text NOT NULL,
    code       text NOT NULL,
    severity   text NOT NULL CHECK (severity IN ('warning', 'error')),
    reason     text NOT NULL,
    "values"   jsonb NOT NULL,
    PRIMARY KEY (landing_id, seq)
);
CREATE INDEX quality_flags_code ON landings.quality_flags (code);

-- Read model: the monthly summary of rule set peskaas-2020, rebuilt by each import in the
-- same transaction.
CREATE TABLE landings.monthly_summaries (
    scope               text NOT NULL CHECK (scope IN ('national', 'municipality', 'boat_type')),
    municipality        text,
    boat_type           text,
    month               date NOT NULL,
    landings            integer NOT NULL,
    fishing_days        integer NOT NULL,
    effort_fisher_hours double precision NOT NULL,
    catch_kg            double precision NOT NULL,
    cpue                double precision NOT NULL,
    value_usd           double precision NOT NULL
);
CREATE INDEX monthly_summaries_scope ON landings.monthly_summaries (scope, municipality, boat_type, month);

-- Read model: catch by species per municipality and month (summarised landings only).
CREATE TABLE landings.monthly_species_catch (
    municipality text NOT NULL,
    month        date NOT NULL,
    species_code integer NOT NULL,
    catch_kg     double precision NOT NULL,
    PRIMARY KEY (municipality, month, species_code)
);

-- Published view (data product): validated landings.
CREATE VIEW landings.v1_validated_landings AS
    SELECT id, source, source_id, landing_date, site_path, municipality, boat_code, gear_code,
           summary_habitat_code, imei, effort_fisher_hours, catch_kg, catch_value_usd
    FROM landings.surveyed_landings WHERE is_valid;
CREATE VIEW landings.v1_monthly_summaries AS
    SELECT scope, municipality, boat_type, month, landings, fishing_days,
           effort_fisher_hours, catch_kg, cpue
    FROM landings.monthly_summaries;
