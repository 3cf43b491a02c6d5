//! Diesel table declarations of the `platform` schema (written by hand to match
//! `migrations/`).

#![allow(missing_docs)]

diesel::table! {
    platform.outbox (position) {
        position -> Int8,
        event_id -> Uuid,
        event_type -> Text,
        schema_version -> Int2,
        occurred_at -> Timestamptz,
        aggregate_type -> Text,
        aggregate_id -> Text,
        jurisdiction -> Nullable<Text>,
        payload -> Jsonb,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    platform.deliveries (subscriber, event_id) {
        subscriber -> Text,
        event_id -> Uuid,
        delivered_at -> Timestamptz,
    }
}
