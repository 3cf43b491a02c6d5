//! Anti-corruption layers for outside formats: each reads a source's files and hands the
//! application domain objects and the rows it could not read.

pub mod csv_fields;
pub mod pds;
pub mod pds_trips;
pub mod peskaas;
pub mod run;
pub mod synthetic;
pub mod tracked_trips;
