//! tasi: monitoring and analytics for small-scale fisheries.
//!
//! A hexagonal modular monolith: `domain` (the pure model of each bounded context),
//! `application` (use cases behind ports) and `adapters` (PostgreSQL, HTTP, source files).
//! `main.rs` is the composition root.

pub mod adapters;
pub mod application;
pub mod domain;
