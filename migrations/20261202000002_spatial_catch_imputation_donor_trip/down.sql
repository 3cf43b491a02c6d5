DROP VIEW spatial_catch.v1_trip_imputations;
CREATE VIEW spatial_catch.v1_trip_imputations WITH (security_invoker = true) AS
    SELECT trip_id, gear_code, habitat_code, donor_landing_source_id, distance, too_far
    FROM spatial_catch.imputations;
GRANT SELECT ON spatial_catch.v1_trip_imputations TO tasi_app;
