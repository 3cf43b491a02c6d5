//! Use cases of the tracking context: imports of tracked trips, and the queries behind the
//! tracking pages.

pub mod import_trips;
pub mod ports;
