//! Use cases, one file per command or query, each taking what it needs through ports.

pub mod access;
pub mod estimation;
pub mod geography;
pub mod ingestion;
pub mod landings;
pub mod shared;
pub mod spatial_catch;
pub mod tracking;
