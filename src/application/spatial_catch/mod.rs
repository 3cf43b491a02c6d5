//! Use cases of the spatial-catch context: the rebuild of its read models (matches,
//! imputations, effort grid, match rates) from the landings and tracking contexts'
//! published views.

pub mod refresh;
