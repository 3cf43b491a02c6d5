-- The estimation context: the inputs that raise sampled landings to the whole fleet.
-- First: the fleet census (a frame survey by census area: boats by type), loaded by
-- `tasi import peskaas DIR` from fleet_census.csv. A census area covers one or more
-- municipalities ("Dili (Atauro)": two). A re-import replaces an area's row and keeps the
-- row it replaced in the history.
CREATE SCHEMA estimation;

CREATE TABLE estimation.fleet_census (
    area               text PRIMARY KEY,
    jurisdiction_paths text[] NOT NULL CHECK (cardinality(jurisdiction_paths) > 0),
    fishers            integer NOT NULL CHECK (fishers >= 0),
    canoes             integer NOT NULL CHECK (canoes >= 0),
    motor_johnson      integer NOT NULL CHECK (motor_johnson >= 0),
    motor_ketinting    integer NOT NULL CHECK (motor_ketinting >= 0),
    motor_yamaha       integer NOT NULL CHECK (motor_yamaha >= 0),
    longline           integer NOT NULL CHECK (longline >= 0),
    source             text NOT NULL,
    imported_at        timestamptz NOT NULL,
    imported_by        text NOT NULL
);

CREATE TABLE estimation.fleet_census_history (
    LIKE estimation.fleet_census,
    replaced_at timestamptz NOT NULL
);

-- Census figures of an area are seen by whoever may see one of its municipalities.
ALTER TABLE estimation.fleet_census ENABLE ROW LEVEL SECURITY;
CREATE POLICY in_scope ON estimation.fleet_census
    USING (EXISTS (SELECT 1 FROM unnest(jurisdiction_paths) AS p
                   WHERE p = ANY ((SELECT access.scope_paths())::text[])
                      OR p LIKE ANY ((SELECT access.scope_prefixes())::text[])));

-- Published view (a data product): other contexts read this, never the table.
CREATE VIEW estimation.v1_fleet_census WITH (security_invoker = true) AS
    SELECT area, jurisdiction_paths, fishers, canoes,
           motor_johnson + motor_ketinting + motor_yamaha AS motor_boats, longline
    FROM estimation.fleet_census;

GRANT USAGE ON SCHEMA estimation TO tasi_app;
GRANT SELECT ON estimation.fleet_census, estimation.v1_fleet_census TO tasi_app;
