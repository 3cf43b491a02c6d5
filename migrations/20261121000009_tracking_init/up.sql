-- Tracking context: vessels, tracker devices and their deployments, tracked trips, and the
-- GPS positions of the Pelagic Data Systems exports (partitioned by month).
CREATE SCHEMA tracking;

CREATE TABLE tracking.imports (
    id                uuid PRIMARY KEY,
    source            text NOT NULL,
    location          text NOT NULL,
    started_at        timestamptz NOT NULL,
    finished_at       timestamptz NOT NULL,
    started_by        text NOT NULL,
    counts            jsonb NOT NULL,
    jurisdiction_path text NOT NULL DEFAULT ''
);

CREATE TABLE tracking.rejected_rows (
    id          bigserial PRIMARY KEY,
    import_id   uuid NOT NULL REFERENCES tracking.imports (id),
    file        text NOT NULL,
    line        bigint NOT NULL,
    column_name text,
    reason      text NOT NULL,
    raw         text NOT NULL
);
CREATE INDEX tracking_rejected_rows_import ON tracking.rejected_rows (import_id, file, line);

-- A boat, by the source's boat id (PeskAAS boat_id, PDS Boat).
CREATE TABLE tracking.vessels (
    id             text PRIMARY KEY,
    name           text,
    boat_code      smallint,
    home_site_code text,
    site_path      text NOT NULL DEFAULT ''
);

-- A tracker: 15-digit IMEI.
CREATE TABLE tracking.devices (
    imei             text PRIMARY KEY CHECK (imei ~ '^[0-9]{15}$'),
    source_device_id text
);

-- A device installed on a vessel from a day to a day (open when to_date is NULL): the
-- first and last days on which the source shows the pair.
CREATE TABLE tracking.deployments (
    imei      text NOT NULL REFERENCES tracking.devices (imei),
    vessel_id text NOT NULL REFERENCES tracking.vessels (id),
    from_date date NOT NULL,
    to_date   date,
    PRIMARY KEY (imei, vessel_id)
);

-- The tracked-trip aggregate. Times in UTC; `trip_date` is the landing date (the day the
-- trip ended, in the site's time zone). `sample_lat`/`sample_lon`: the trip's positions
-- sampled to at most 10 (PeskAAS's track signature). Flags of the track rules as JSON.
CREATE TABLE tracking.tracked_trips (
    id                   uuid PRIMARY KEY,
    source               text NOT NULL,
    source_trip_id       text NOT NULL,
    fingerprint          text NOT NULL,
    import_id            uuid NOT NULL,
    vessel_id            text,
    imei                 text,
    trip_date            date NOT NULL,
    started_at           timestamptz,
    ended_at             timestamptz,
    duration_hours       double precision,
    distance_m           double precision,
    site_code            text,
    site_path            text NOT NULL,
    municipality         text,
    boat_code            smallint,
    gear_code            smallint,
    habitat_code         smallint,
    source_landing_id    bigint,
    donor_source_trip_id text,
    donor_distance       double precision,
    sample_lat           double precision[] NOT NULL DEFAULT '{}',
    sample_lon           double precision[] NOT NULL DEFAULT '{}',
    rule_set             text NOT NULL,
    is_valid             boolean NOT NULL,
    error_count          integer NOT NULL DEFAULT 0,
    warning_count        integer NOT NULL DEFAULT 0,
    flags                jsonb NOT NULL DEFAULT '[]',
    UNIQUE (source, source_trip_id)
);
CREATE INDEX tracked_trips_site ON tracking.tracked_trips (site_path text_pattern_ops);
CREATE INDEX tracked_trips_device_day ON tracking.tracked_trips (imei, trip_date);
CREATE INDEX tracked_trips_vessel ON tracking.tracked_trips (vessel_id, trip_date);

-- GPS positions (PDS points export), one partition per month of `at` (created by the
-- importer), plus a default partition for anything else.
CREATE TABLE tracking.positions (
    trip_source_id text NOT NULL,
    at             timestamptz NOT NULL,
    lat            double precision NOT NULL,
    lon            double precision NOT NULL,
    speed_mps      real,
    range_m        real,
    heading        real,
    boat           text
) PARTITION BY RANGE (at);
CREATE TABLE tracking.positions_default PARTITION OF tracking.positions DEFAULT;

-- Published views (data products) of the tracking context, read with the reader's rights.
CREATE VIEW tracking.v1_tracked_trips WITH (security_invoker = true) AS
    SELECT id, source, source_trip_id, vessel_id, imei, trip_date, started_at, ended_at,
           duration_hours, distance_m, site_path, municipality, boat_code, gear_code,
           habitat_code, source_landing_id, sample_lat, sample_lon, is_valid
    FROM tracking.tracked_trips;

-- Row-level security, as for the landings context (see the access_row_level_security
-- migration): a trip by its site's path; positions by their trip; vessels by home site.
ALTER TABLE tracking.tracked_trips ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON tracking.tracked_trips
    USING (site_path = ANY ((SELECT access.scope_paths())::text[])
           OR site_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));
ALTER TABLE tracking.positions ENABLE ROW LEVEL SECURITY;
CREATE POLICY of_visible_trip ON tracking.positions
    USING (trip_source_id IN (SELECT source_trip_id FROM tracking.tracked_trips
                              WHERE source = 'pds'));
ALTER TABLE tracking.vessels ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON tracking.vessels
    USING (site_path = ANY ((SELECT access.scope_paths())::text[])
           OR site_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));
ALTER TABLE tracking.imports ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON tracking.imports
    USING (jurisdiction_path = ANY ((SELECT access.scope_paths())::text[])
           OR jurisdiction_path LIKE ANY ((SELECT access.scope_prefixes())::text[]));
ALTER TABLE tracking.rejected_rows ENABLE ROW LEVEL SECURITY;
CREATE POLICY of_visible_import ON tracking.rejected_rows
    USING (import_id IN (SELECT id FROM tracking.imports));
ALTER TABLE tracking.deployments ENABLE ROW LEVEL SECURITY;
CREATE POLICY of_visible_vessel ON tracking.deployments
    USING (vessel_id IN (SELECT id FROM tracking.vessels));

GRANT USAGE ON SCHEMA tracking TO tasi_app;
GRANT SELECT ON ALL TABLES IN SCHEMA tracking TO tasi_app;
REVOKE SELECT ON tracking.devices, tracking.positions_default FROM tasi_app;
