DROP VIEW tracking.v1_vessel_activity;
DROP VIEW spatial_catch.v1_effort_grid;
DROP VIEW spatial_catch.v1_matches;
