//! Persistence of the landings context (schema `landings`): the writes of imports, reviews
//! and projections, and the queries behind the landings pages.

pub mod memory;
pub mod queries;
pub mod reads;
pub mod schema;
pub mod writes;
