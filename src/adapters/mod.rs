//! Adapters: the outside world behind the ports (PostgreSQL, HTTP, source files, hashing).

pub mod clock;
pub mod config;
pub mod http;
pub mod importers;
pub mod memory;
pub mod persistence;
pub mod security;
