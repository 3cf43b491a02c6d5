//! Persistence of the geography context: the jurisdiction tree (schema `geography`).

pub mod schema;
