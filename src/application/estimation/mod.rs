//! Use cases of the estimation context: loading its inputs (the fleet census), and the
//! estimates computed from them and from the landings' published summaries.

pub mod census;
pub mod peskaas;
pub mod peskas;
pub mod ports;
