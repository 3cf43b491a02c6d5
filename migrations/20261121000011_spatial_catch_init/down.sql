DROP SCHEMA spatial_catch CASCADE;
DROP VIEW landings.v1_landing_trackers;
