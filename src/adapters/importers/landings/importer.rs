//! The PeskAAS landings importer: reads a PeskAAS directory (anti-corruption layer), asks
//! geography to register the jurisdictions it names, then imports the landings.

use std::path::Path;
use std::sync::Arc;

use super::peskaas;
use crate::application::geography::ports::GeographyTx;
use crate::application::geography::register_jurisdictions::register_jurisdictions;
use crate::application::ingestion::ports::{ImportFailure, ImportOutcome, Importer};
use crate::application::landings::import_landings::{
    ImportContext, ImportError, ImportReport, import_landings,
};
use crate::application::landings::ports::LandingsTx;
use crate::application::shared::{Caller, SourceFileError, StoreError, UnitOfWork};

/// Why an import of a PeskAAS directory failed; nothing of its landings was written.
#[derive(Debug, thiserror::Error)]
pub enum PeskaasImportError {
    /// A file-level fault (a missing file, a wrong header, a truncated file).
    #[error(transparent)]
    File(#[from] SourceFileError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ImportError> for PeskaasImportError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Store(s) => PeskaasImportError::Store(s),
        }
    }
}

/// Imports PeskAAS directories, storing their landings under a source key (`peskaas`, or
/// `synthetic` for the demo's generated set).
pub struct PeskaasLandings<U> {
    uow: Arc<U>,
    stored_as: &'static str,
}

impl<U> PeskaasLandings<U> {
    /// The importer writing through `uow`, storing landings under `stored_as`.
    pub fn new(uow: Arc<U>, stored_as: &'static str) -> Self {
        PeskaasLandings { uow, stored_as }
    }
}

impl<U> PeskaasLandings<U>
where
    U: UnitOfWork,
    U::Tx: LandingsTx + GeographyTx,
{
    /// Reads `dir` (every file, before anything is written), registers its jurisdictions
    /// with geography, then imports its landings, as `caller`.
    ///
    /// # Errors
    /// [`PeskaasImportError::File`] for a file-level fault (nothing written),
    /// [`PeskaasImportError::Store`] when the database fails.
    pub fn import_dir(
        &self,
        caller: &Caller,
        dir: &Path,
    ) -> Result<ImportReport, PeskaasImportError> {
        let started_at = chrono::Utc::now();
        let read = peskaas::read_dir(dir, self.stored_as)?;
        tracing::debug!(
            elapsed_ms = (chrono::Utc::now() - started_at).num_milliseconds(),
            "files read"
        );
        let preceding = register_jurisdictions(self.uow.as_ref(), caller, &read.jurisdictions)?;
        let mut batch = read.landings;
        batch.preceding = preceding;
        let ctx = ImportContext {
            started_by: caller.actor().to_string(),
            started_at,
            today: started_at.date_naive(),
        };
        Ok(import_landings(self.uow.as_ref(), caller, &batch, &ctx)?)
    }
}

/// The lines the command line prints of a landings import: one per table, and where the
/// rejected rows are listed.
pub fn report_lines(report: &ImportReport) -> Vec<String> {
    let mut lines: Vec<String> = report
        .tables
        .iter()
        .map(|t| format!("{}: {}", t.table, t.summary()))
        .collect();
    if report.tables.iter().any(|t| t.rejected > 0) {
        lines.push(format!(
            "rejected rows are listed at /imports/{}",
            report.import_id
        ));
    }
    lines
}

impl<U> Importer for PeskaasLandings<U>
where
    U: UnitOfWork,
    U::Tx: LandingsTx + GeographyTx,
{
    fn source(&self) -> &'static str {
        peskaas::SOURCE
    }

    fn file(&self) -> Option<&'static str> {
        None
    }

    fn required(&self) -> bool {
        true
    }

    fn import(&self, caller: &Caller, location: &Path) -> Result<ImportOutcome, ImportFailure> {
        match self.import_dir(caller, location) {
            Ok(report) => Ok(ImportOutcome {
                lines: report_lines(&report),
            }),
            Err(PeskaasImportError::File(e)) => Err(ImportFailure::input(e.to_string())),
            Err(PeskaasImportError::Store(e)) => Err(e.into()),
        }
    }
}
