-- The published view of imputations gains the donor trip's id (a column added at the end:
-- readers of v1 are unaffected), so that a reader can tell whether its caller may open the
-- donor before naming it.
CREATE OR REPLACE VIEW spatial_catch.v1_trip_imputations WITH (security_invoker = true) AS
    SELECT trip_id, gear_code, habitat_code, donor_landing_source_id, distance, too_far,
           donor_trip_id
    FROM spatial_catch.imputations;
