//! Use cases of the spatial-catch context: the rebuild of its read models (matches,
//! imputations, effort grid, match rates) from the landings and tracking contexts'
//! published views, whenever their events say they changed; and the queries behind its
//! pages.

pub mod ports;
pub mod refresh;
pub mod report;
