//! Diesel table declarations of the `geography` schema (written by hand to match
//! `migrations/`).

#![allow(missing_docs)]

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
