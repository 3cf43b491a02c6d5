//! tasi: monitoring and analytics for small-scale fisheries.
//!
//! A hexagonal modular monolith: `domain` (the pure model of each bounded context),
//! `application` (use cases behind ports) and `adapters` (PostgreSQL, HTTP, source files).
//! `startup` is the composition root: it builds the application from the list of context
//! modules; `main.rs` only parses the command line and calls it.

pub mod adapters;
pub mod application;
pub mod domain;
pub mod startup;
