//! Pages of the access context: login and logout, administration of users, grants and
//! sessions, set-password links and the audit log.

pub mod admin;
pub mod login;
