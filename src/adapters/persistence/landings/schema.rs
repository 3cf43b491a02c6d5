//! Diesel table declarations of the `landings` schema (written by hand to match
//! `migrations/`).

#![allow(missing_docs)]

diesel::table! {
    landings.imports (id) {
        id -> Uuid,
        source -> Text,
        location -> Text,
        rule_set -> Text,
        started_at -> Timestamptz,
        finished_at -> Timestamptz,
        started_by -> Text,
        counts -> Jsonb,
        jurisdiction_path -> Text,
    }
}

diesel::table! {
    landings.rejected_rows (id) {
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
    landings.species (code) {
        code -> Int4,
        common_name -> Text,
        tetum_name -> Text,
    }
}

diesel::table! {
    landings.surveyed_landings (id) {
        id -> Uuid,
        source -> Text,
        source_id -> Int8,
        fingerprint -> Text,
        import_id -> Uuid,
        landing_date -> Nullable<Date>,
        site_code -> Text,
        site_path -> Text,
        municipality -> Nullable<Text>,
        habitat_code -> Nullable<Int2>,
        boat_code -> Nullable<Int2>,
        gear_code -> Nullable<Int2>,
        has_tracker -> Nullable<Bool>,
        imei -> Nullable<Text>,
        mesh_inches -> Nullable<Float8>,
        hours_at_sea -> Nullable<Float8>,
        men -> Nullable<Int4>,
        women -> Nullable<Int4>,
        children -> Nullable<Int4>,
        fishers -> Nullable<Float8>,
        fisher_hours -> Nullable<Float8>,
        catch_value_usd -> Nullable<Float8>,
        rank -> Nullable<Int2>,
        boats_landing -> Nullable<Int4>,
        gleaners -> Nullable<Int4>,
        source_flag -> Nullable<Int2>,
        note -> Nullable<Text>,
        rule_set -> Text,
        is_valid -> Bool,
        counts_in_summaries -> Bool,
        effort_fisher_hours -> Nullable<Float8>,
        repaired_hours_at_sea -> Nullable<Float8>,
        summary_habitat_code -> Nullable<Int2>,
        catch_kg -> Float8,
        summary_value_usd -> Nullable<Float8>,
        error_count -> Int4,
        warning_count -> Int4,
        review_status -> Nullable<Text>,
        /// Generated (stored): the landing date, or the earliest date when it has none; the
        /// list's order.
        list_date -> Date,
    }
}

diesel::table! {
    landings.reviews (id) {
        id -> Int8,
        landing_id -> Uuid,
        source -> Text,
        source_id -> Int8,
        decided_at -> Timestamptz,
        reviewer -> Text,
        decision -> Text,
        reason -> Text,
        corrections -> Jsonb,
        changes -> Jsonb,
        rule_set -> Text,
    }
}

diesel::table! {
    landings.catch_lines (landing_id, line_no) {
        landing_id -> Uuid,
        line_no -> Int4,
        species_code -> Nullable<Int4>,
        length_cm -> Nullable<Float8>,
        fish_count -> Nullable<Float8>,
        weight_g -> Nullable<Float8>,
        catch_use -> Nullable<Text>,
        source_flag -> Nullable<Int2>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    landings.quality_flags (landing_id, seq) {
        landing_id -> Uuid,
        seq -> Int4,
        rule_set -> Text,
        code -> Text,
        severity -> Text,
        reason -> Text,
        values -> Jsonb,
        reviewed -> Bool,
    }
}

diesel::table! {
    landings.monthly_summaries (scope, month) {
        scope -> Text,
        municipality -> Nullable<Text>,
        boat_type -> Nullable<Text>,
        month -> Date,
        landings -> Int4,
        fishing_days -> Int4,
        effort_fisher_hours -> Float8,
        catch_kg -> Float8,
        cpue -> Float8,
        value_usd -> Float8,
        jurisdiction_path -> Text,
    }
}

diesel::table! {
    landings.monthly_species_catch (municipality, month, species_code) {
        municipality -> Text,
        month -> Date,
        species_code -> Int4,
        catch_kg -> Float8,
        jurisdiction_path -> Text,
    }
}

diesel::joinable!(catch_lines -> surveyed_landings (landing_id));
diesel::joinable!(quality_flags -> surveyed_landings (landing_id));
diesel::joinable!(rejected_rows -> imports (import_id));
diesel::allow_tables_to_appear_in_same_query!(
    imports,
    rejected_rows,
    species,
    surveyed_landings,
    catch_lines,
    quality_flags,
    monthly_summaries,
    monthly_species_catch,
    reviews,
);
