//! Diesel table declarations of the `access` schema (written by hand to match
//! `migrations/`).

#![allow(missing_docs)]

diesel::table! {
    access.users (id) {
        id -> Uuid,
        email -> Text,
        password_hash -> Text,
        is_admin -> Bool,
        disabled -> Bool,
        created_at -> Timestamptz,
        sessions_valid_after -> Nullable<Timestamptz>,
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
        jurisdictions -> Array<Text>,
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
    access.sessions (key_hash) {
        key_hash -> Text,
        state -> Jsonb,
        user_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}
