//! What the use cases of every context share: the errors of ports, the faults of a whole
//! source file.

use std::fmt;

/// A failure of a port's adapter (database, file system…), described for the logs.
/// Use cases wrap it in their own error types; pages show a generic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage failed: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

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
