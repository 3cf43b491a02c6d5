//! Anti-corruption layers for outside formats, by the context they feed: each reads a
//! source's files and hands the application domain objects and the rows it could not read.

pub mod estimation;
pub mod landings;
pub mod shared;
pub mod tracking;
