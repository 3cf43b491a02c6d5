//! Shared kernel: the few value objects every context speaks in (periods, quantities,
//! jurisdiction paths, access scopes, WGS84 geometry). Nothing here knows about any one
//! context.

mod access_scope;
mod codes;
mod event;
pub mod geo;
mod imei;
mod jurisdiction_path;
mod period;
mod quantities;

pub use access_scope::AccessScope;
pub use codes::{Gear, UnknownCode};
pub use event::{DomainEvent, EventPayload};
pub use geo::{GeoError, GridCell, LatLon, MultiPolygon, Polygon, haversine_m};
pub use imei::{IMEI_DIGITS, Imei, ImeiError};
pub use jurisdiction_path::{JurisdictionPath, JurisdictionPathError};
pub use period::{Period, PeriodError};
pub use quantities::{Kilograms, QuantityError, Usd};
