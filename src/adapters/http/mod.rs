//! The HTTP adapter: each context's pages (handlers and view structs) in a folder of its
//! own, and what they share. The application is built from the contexts' route tables by
//! the composition root (`crate::startup::web`).

#[macro_use]
pub mod shared;

pub mod access;
pub mod estimation;
pub mod landings;
pub mod spatial_catch;
pub mod tracking;
