//! Shared kernel: the few value objects every context speaks in (periods, quantities,
//! jurisdiction paths, access scopes). Nothing here knows about any one context.

mod access_scope;
mod jurisdiction_path;
mod period;
mod quantities;

pub use access_scope::AccessScope;
pub use jurisdiction_path::{JurisdictionPath, JurisdictionPathError};
pub use period::{Period, PeriodError};
pub use quantities::{Kilograms, QuantityError, Usd};
