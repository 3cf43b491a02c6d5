//! Diesel table declarations of the `tracking` schema (written by hand to match
//! `migrations/`).

#![allow(missing_docs)]

diesel::table! {
    tracking.imports (id) {
        id -> Uuid,
        source -> Text,
        location -> Text,
        started_at -> Timestamptz,
        finished_at -> Timestamptz,
        started_by -> Text,
        counts -> Jsonb,
        jurisdiction_path -> Text,
    }
}

diesel::table! {
    tracking.rejected_rows (id) {
        id -> Int8,
        import_id -> Uuid,
        file -> Text,
        line -> Int8,
        column_name -> Nullable<Text>,
        reason -> Text,
        raw -> Text,
    }
}

diesel::table! {
    tracking.vessels (id) {
        id -> Text,
        name -> Nullable<Text>,
        boat_code -> Nullable<Int2>,
        home_site_code -> Nullable<Text>,
        site_path -> Text,
    }
}

diesel::table! {
    tracking.devices (imei) {
        imei -> Text,
        source_device_id -> Nullable<Text>,
    }
}

diesel::table! {
    tracking.deployments (imei, vessel_id) {
        imei -> Text,
        vessel_id -> Text,
        from_date -> Date,
        to_date -> Nullable<Date>,
    }
}

diesel::table! {
    tracking.tracked_trips (id) {
        id -> Uuid,
        source -> Text,
        source_trip_id -> Text,
        fingerprint -> Text,
        import_id -> Uuid,
        vessel_id -> Nullable<Text>,
        imei -> Nullable<Text>,
        trip_date -> Date,
        started_at -> Nullable<Timestamptz>,
        ended_at -> Nullable<Timestamptz>,
        duration_hours -> Nullable<Float8>,
        distance_m -> Nullable<Float8>,
        site_code -> Nullable<Text>,
        site_path -> Text,
        municipality -> Nullable<Text>,
        boat_code -> Nullable<Int2>,
        gear_code -> Nullable<Int2>,
        habitat_code -> Nullable<Int2>,
        source_landing_id -> Nullable<Int8>,
        donor_source_trip_id -> Nullable<Text>,
        donor_distance -> Nullable<Float8>,
        sample_lat -> Array<Float8>,
        sample_lon -> Array<Float8>,
        rule_set -> Text,
        is_valid -> Bool,
        error_count -> Int4,
        warning_count -> Int4,
        flags -> Jsonb,
    }
}

// Partitioned by month of `at`; no primary key (diesel needs one named: none is used).
diesel::table! {
    tracking.positions (trip_source_id, at) {
        trip_source_id -> Text,
        at -> Timestamptz,
        lat -> Float8,
        lon -> Float8,
        speed_mps -> Nullable<Float4>,
        range_m -> Nullable<Float4>,
        heading -> Nullable<Float4>,
        boat -> Nullable<Text>,
    }
}

// The month an import is loading, before it becomes a partition of `positions`: exists
// only inside that import's transaction (see persistence::tracking::positions).
diesel::table! {
    tracking.positions_loading (trip_source_id, at) {
        trip_source_id -> Text,
        at -> Timestamptz,
        lat -> Float8,
        lon -> Float8,
        speed_mps -> Nullable<Float4>,
        range_m -> Nullable<Float4>,
        heading -> Nullable<Float4>,
        boat -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(imports, rejected_rows, positions);
