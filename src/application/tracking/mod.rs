//! Use cases of the tracking context: imports of tracked trips and of GPS positions, and
//! the queries behind the tracking pages.

pub mod assess_tracks;
pub mod import_positions;
pub mod import_trips;
pub mod ports;
pub mod position_ports;
