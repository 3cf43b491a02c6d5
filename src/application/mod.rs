//! Use cases, one file per command or query, each taking what it needs through ports.

pub mod access;
pub mod landings;
pub mod spatial_catch;
pub mod tracking;

use std::fmt;

/// A failure of a port's adapter (database, file system…), described for the logs.
/// Use cases wrap it in their own error types; pages show a generic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage failed: {}", self.0)
    }
}

impl std::error::Error for StoreError {}
