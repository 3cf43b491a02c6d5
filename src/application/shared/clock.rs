//! The time, injectable so tests can move it.

use chrono::{DateTime, Utc};

/// The time, injectable so tests can move it.
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}
