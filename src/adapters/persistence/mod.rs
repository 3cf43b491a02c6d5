//! PostgreSQL persistence with diesel: one folder per context (its schema's tables, its
//! repositories and query adapters), and `shared` (the pool, the migrations, the
//! transaction runner and row-level-security scope).

pub mod access;
pub mod estimation;
pub mod geography;
pub mod landings;
pub mod shared;
pub mod spatial_catch;
pub mod tracking;
