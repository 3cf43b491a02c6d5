//! What the use cases of every context share: who calls ([`Caller`]), the one unit of work
//! ([`UnitOfWork`]) with its events and audit entries, the errors of ports ([`StoreError`]
//! and its [`ErrorKind`]), the relay of events to subscribers, the clock, and what every
//! import reports.

mod audit;
mod caller;
mod clock;
mod error;
mod events;
mod imports;
mod unit_of_work;

pub use audit::AuditEntry;
pub use caller::{Caller, Rights};
pub use clock::Clock;
pub use error::{ErrorKind, StoreError, StoreFailure, chain};
pub use events::{
    DELIVERY_BATCH, Delivery, Inbox, Outbox, Relay, StoredEvent, Subscriber, handle_once,
};
pub use imports::{RejectedRow, TableCounts};
pub use unit_of_work::{Durability, Transaction, TxOptions, UnitOfWork};

/// A fault of a whole source file (a missing file or column, a file that cannot be read
/// on): nothing of it is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceFileError {
    /// The file is missing or cannot be opened.
    #[error("{file}: cannot be read: {reason}")]
    Unreadable {
        /// The file's path.
        file: String,
        /// Why.
        reason: String,
    },
    /// The header lacks required columns.
    #[error("{file}, line 1: wrong header: missing column(s) {}", missing.join(", "))]
    WrongHeader {
        /// The file's path.
        file: String,
        /// The columns missing.
        missing: Vec<String>,
    },
    /// A record has the wrong number of fields, or the file is not valid CSV / GeoJSON.
    #[error("{file}, line {line}: the file is truncated or malformed: {reason}")]
    Malformed {
        /// The file's path.
        file: String,
        /// The line at fault.
        line: u64,
        /// Why.
        reason: String,
    },
}
