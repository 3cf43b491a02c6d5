//! The estimation context's importers: the PeskAAS fleet census.

pub mod fleet_census;
