//! The system clock behind the application's `Clock` port.

use chrono::{DateTime, Utc};

use crate::application::shared::Clock;

/// The machine's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
