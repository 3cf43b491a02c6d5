//! Use cases of the landings context.

pub mod dashboard;
pub mod import_landings;
pub mod ports;
pub mod project_summaries;
pub mod review_landing;
