//! Diesel table declarations, one module per context schema (written by hand to match
//! `migrations/`).

#![allow(missing_docs)]

pub mod geography {
    diesel::table! {
        geography.jurisdictions (id) {
            id -> Uuid,
            parent_id -> Nullable<Uuid>,
            path -> Text,
            name -> Text,
            kind -> Text,
            source_code -> Nullable<Text>,
            boundary -> Nullable<Jsonb>,
            created_at -> Timestamptz,
        }
    }
}

pub mod landings {
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
}

pub mod access {
    diesel::table! {
        access.users (id) {
            id -> Uuid,
            email -> Text,
            password_hash -> Text,
            is_admin -> Bool,
            disabled -> Bool,
            created_at -> Timestamptz,
        }
    }

    diesel::table! {
        access.grants (user_id, role, jurisdiction_path) {
            user_id -> Uuid,
            role -> Text,
            jurisdiction_path -> Text,
            granted_at -> Timestamptz,
            granted_by -> Text,
        }
    }

    diesel::table! {
        access.audit_log (id) {
            id -> Int8,
            at -> Timestamptz,
            actor -> Text,
            action -> Text,
            jurisdiction -> Nullable<Text>,
            client_addr -> Nullable<Text>,
            details -> Jsonb,
        }
    }

    diesel::table! {
        access.password_tokens (lookup) {
            lookup -> Text,
            user_id -> Uuid,
            secret_hash -> Text,
            created_at -> Timestamptz,
            expires_at -> Timestamptz,
            used_at -> Nullable<Timestamptz>,
            created_by -> Text,
        }
    }

    diesel::table! {
        access.sessions (session_key) {
            session_key -> Text,
            state -> Jsonb,
            user_id -> Nullable<Uuid>,
            created_at -> Timestamptz,
            expires_at -> Timestamptz,
        }
    }
}

pub mod tracking {
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
    // only inside that import's transaction (see persistence::diesel_positions).
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
}
