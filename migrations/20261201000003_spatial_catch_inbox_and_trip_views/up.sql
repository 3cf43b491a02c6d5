-- Spatial-catch context: the inbox of its event consumer (the rebuild of its models), and
-- two published views (data products) that the tracking pages read for one trip and one
-- vessel: a tracked trip's match to a surveyed landing, and the gear and habitat imputed
-- to an unmatched trip. Read with the reader's rights: row-level security applies.
CREATE TABLE spatial_catch.inbox (
    consumer   text NOT NULL,
    event_id   uuid NOT NULL,
    handled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE VIEW spatial_catch.v1_trip_matches WITH (security_invoker = true) AS
    SELECT trip_id, landing_id, landing_source_id, trip_source_id, match_date, via
    FROM spatial_catch.matches;

CREATE VIEW spatial_catch.v1_trip_imputations WITH (security_invoker = true) AS
    SELECT trip_id, gear_code, habitat_code, donor_landing_source_id, distance, too_far
    FROM spatial_catch.imputations;

GRANT SELECT ON spatial_catch.v1_trip_matches, spatial_catch.v1_trip_imputations TO tasi_app;
REVOKE SELECT ON spatial_catch.inbox FROM tasi_app;
