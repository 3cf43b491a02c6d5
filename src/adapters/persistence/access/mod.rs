//! Persistence of the access context: users, grants, sessions, set-password links and the
//! audit log (schema `access`).

pub mod memory;
pub mod schema;
pub mod sessions;
pub mod users;
