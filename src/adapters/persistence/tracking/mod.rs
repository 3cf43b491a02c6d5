//! Persistence of the tracking context (schema `tracking`): tracked trips, their positions,
//! and the queries behind the tracking pages.

pub mod positions;
pub mod queries;
pub mod schema;
pub mod trips;
