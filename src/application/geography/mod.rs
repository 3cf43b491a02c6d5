//! Use cases of the geography context: the jurisdiction tree that imports name.

pub mod ports;
pub mod register_jurisdictions;
