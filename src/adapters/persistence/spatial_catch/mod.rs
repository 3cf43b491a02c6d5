//! Persistence of the spatial-catch context (schema `spatial_catch`): its read models,
//! rebuilt from the landings and tracking contexts' published views.

pub mod models;
pub mod queries;
