//! Adapters: the outside world behind the ports (PostgreSQL, HTTP, source files, hashing), by
//! context; beside each PostgreSQL adapter, an in-memory one for fast tests of the use cases.

pub mod clock;
pub mod config;
pub mod http;
pub mod importers;
pub mod persistence;
pub mod security;
