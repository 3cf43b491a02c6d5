//! The pure model: value objects, entities and aggregates of each bounded context, and
//! the ports each context needs from outside. No I/O, no framework.

pub mod access;
pub mod estimation;
pub mod geography;
pub mod landings;
pub mod shared;
pub mod spatial_catch;
pub mod tracking;
