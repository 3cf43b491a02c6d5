//! Adapters: the outside world behind the ports (PostgreSQL, HTTP, source files, hashing), by
//! context, and in-memory ones for fast tests of the use cases.

pub mod clock;
pub mod config;
pub mod http;
pub mod importers;
pub mod memory;
pub mod persistence;
pub mod security;
