//! Ports of ingestion: the importers contexts register, and the reports they add after an
//! import.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::application::shared::{Caller, StoreError};

/// What an import did, as lines to tell whoever ran it
/// (`trips.csv: 27681 read, 27681 imported, 0 unchanged, 0 rejected`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Lines to print, in order.
    pub lines: Vec<String>,
}

/// Why an import stopped: nothing of it was written.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ImportFailure {
    /// What went wrong, naming the file, line and field when one is at fault.
    pub message: String,
    /// The storage failure behind it, when it is one.
    #[source]
    pub store: Option<StoreError>,
}

impl ImportFailure {
    /// A failure of the input (a missing file, a wrong header) described by `message`.
    pub fn input(message: impl Into<String>) -> Self {
        ImportFailure {
            message: message.into(),
            store: None,
        }
    }
}

impl From<StoreError> for ImportFailure {
    fn from(e: StoreError) -> Self {
        ImportFailure {
            message: e.to_string(),
            store: Some(e),
        }
    }
}

/// An importer of one outside format, registered by the context it feeds.
pub trait Importer: Send + Sync {
    /// The source format it reads, as the command line names it (`peskaas`, `pds-trips`).
    fn source(&self) -> &'static str;

    /// The file it reads when `location` is a directory (`tracked_trips.csv`), or `None`
    /// when it reads `location` itself.
    fn file(&self) -> Option<&'static str>;

    /// Whether it must find its file: an optional importer is skipped when its file is
    /// missing (`tracked_trips.csv` beside the landings), a required one fails.
    fn required(&self) -> bool;

    /// Imports what `location` holds, as `caller`.
    ///
    /// # Errors
    /// [`ImportFailure`] when the file cannot be read or the database fails; nothing of this
    /// importer's work is written.
    fn import(&self, caller: &Caller, location: &Path) -> Result<ImportOutcome, ImportFailure>;
}

/// Lines a context adds after an import, once the relay has delivered what it published
/// (spatial catch: the matches and the imputation it rebuilt).
pub trait ImportReporter: Send + Sync {
    /// The lines about what changed since `since` (the import's start), empty when it has
    /// nothing to say.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn report(&self, since: DateTime<Utc>) -> Result<Vec<String>, StoreError>;
}
