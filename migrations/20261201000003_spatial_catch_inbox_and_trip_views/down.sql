DROP VIEW spatial_catch.v1_trip_imputations;
DROP VIEW spatial_catch.v1_trip_matches;
DROP TABLE spatial_catch.inbox;
