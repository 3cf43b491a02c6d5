-- Published views (data products) of the spatial-catch and tracking contexts, read with the
-- reader's rights (row-level security applies), as the CSV products at /tracking/… give
-- them.

-- Matches as the source names them: the surveyed landing (PeskAAS trips.csv trip_id) and the
-- tracked trip (PDS_trip).
CREATE VIEW spatial_catch.v1_matches WITH (security_invoker = true) AS
    SELECT landing_source_id AS trip_id, trip_source_id AS "PDS_trip", imei, match_date, via,
           site_path
    FROM spatial_catch.matches;

-- The fishing effort grid: tracked trips per 0.1° cell × month × gear × boat type, with the
-- catch, effort and CPUE of the matched landings attributed to the cell.
CREATE VIEW spatial_catch.v1_effort_grid WITH (security_invoker = true) AS
    SELECT month, municipality, jurisdiction_path, cell_row / 10.0 AS lat_south,
           cell_col / 10.0 AS lon_west, gear_code, boat_code, trips, matched_trips,
           imputed_gear_trips, catch_kg, effort_fisher_hours, cpue
    FROM spatial_catch.effort_cells;

-- Trips per vessel per month (valid trips; active days = distinct days with a trip): the
-- activity the boat activity coefficient needs.
CREATE VIEW tracking.v1_vessel_activity WITH (security_invoker = true) AS
    SELECT t.vessel_id, v.boat_code, v.site_path,
           date_trunc('month', t.trip_date)::date AS month, count(*) AS trips,
           count(DISTINCT t.trip_date) AS active_days
    FROM tracking.tracked_trips t JOIN tracking.vessels v ON v.id = t.vessel_id
    WHERE t.is_valid
    GROUP BY 1, 2, 3, 4;

GRANT SELECT ON spatial_catch.v1_matches, spatial_catch.v1_effort_grid,
    tracking.v1_vessel_activity TO tasi_app;
