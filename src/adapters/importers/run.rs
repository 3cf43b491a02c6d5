//! Wiring of an import from files to the database, shared by the CLI, the demo and tests.

use std::path::Path;

use super::landings::peskaas;
use super::tracking::pds_points::PdsPointsReader;
use crate::adapters::persistence::landings::writes::DieselImportUnitOfWork;
use crate::adapters::persistence::shared::PgPool;
use crate::adapters::persistence::tracking::positions::DieselPositionImport;
use crate::adapters::persistence::tracking::trips::DieselTrackingImport;
use crate::application::landings::import_landings::{
    ImportContext, ImportError, ImportReport, import_landings,
};
use crate::application::shared::SourceFileError;
use crate::application::tracking::import_positions::{
    ImportPositionsError, PositionImportContext, PositionImportReport, import_positions,
};
use crate::application::tracking::import_trips::{
    TripBatch, TripImportReport, import_tracked_trips,
};
use crate::domain::tracking::TrackRules;

/// Why an import from files failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportFilesError {
    /// A file-level fault.
    #[error(transparent)]
    File(#[from] SourceFileError),
    /// The database failed.
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// Reads the PeskAAS-format directory `dir` and imports it under `source`, as `started_by`.
///
/// # Errors
/// [`ImportFilesError`] for a file-level fault (before anything is written) or a database
/// failure (rolled back).
pub fn import_peskaas_dir(
    pool: &PgPool,
    dir: &Path,
    source: &str,
    started_by: &str,
) -> Result<ImportReport, ImportFilesError> {
    let started_at = chrono::Utc::now();
    let batch = peskaas::read_dir(dir, source)?;
    tracing::debug!(
        elapsed_ms = (chrono::Utc::now() - started_at).num_milliseconds(),
        "files read"
    );
    let uow = DieselImportUnitOfWork::new(pool.clone());
    let ctx = ImportContext {
        started_by: started_by.to_string(),
        started_at,
        today: started_at.date_naive(),
    };
    Ok(import_landings(&uow, &batch, &ctx)?)
}

/// Why an import of tracked trips failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum TrackImportError {
    /// A file-level fault.
    #[error(transparent)]
    File(#[from] SourceFileError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] crate::application::shared::StoreError),
}

/// Imports `tracked_trips.csv` of the PeskAAS directory `dir` (after its landings: the
/// trips are placed at the landing sites that import created), as `started_by`.
///
/// # Errors
/// [`TrackImportError`] for a file-level fault (before anything is written) or a database
/// failure (rolled back).
pub fn import_peskaas_tracks(
    pool: &PgPool,
    dir: &Path,
    started_by: &str,
) -> Result<TripImportReport, TrackImportError> {
    let started_at = chrono::Utc::now();
    let batch = super::tracking::tracked_trips::read(dir)?;
    import_trip_batch(pool, &batch, started_by, started_at)
}

/// Imports a Pelagic Data Systems trips export at `path`, as `started_by`.
///
/// # Errors
/// [`TrackImportError`] for a file-level fault (before anything is written) or a database
/// failure (rolled back).
pub fn import_pds_trips(
    pool: &PgPool,
    path: &Path,
    started_by: &str,
) -> Result<TripImportReport, TrackImportError> {
    let started_at = chrono::Utc::now();
    let batch = super::tracking::pds_trips::read(path)?;
    import_trip_batch(pool, &batch, started_by, started_at)
}

/// Imports trips an anti-corruption layer read, with the Peskas track rules.
fn import_trip_batch(
    pool: &PgPool,
    batch: &TripBatch,
    started_by: &str,
    started_at: chrono::DateTime<chrono::Utc>,
) -> Result<TripImportReport, TrackImportError> {
    let uow = DieselTrackingImport::new(pool.clone());
    Ok(import_tracked_trips(
        &uow,
        batch,
        &TrackRules::default(),
        started_by,
        started_at,
    )?)
}

/// Imports the PDS points file `file` as `started_by`, streaming it into the database in
/// one transaction (see [`import_positions`]).
///
/// # Errors
/// [`ImportPositionsError::File`] for a file-level fault (a missing file or column, a file
/// that cannot be read on) and [`ImportPositionsError::Store`] for a database failure;
/// either way nothing is written.
pub fn import_pds_points(
    pool: &PgPool,
    file: &Path,
    started_by: &str,
) -> Result<PositionImportReport, ImportPositionsError> {
    import_pds_points_with(pool, file, &PositionImportContext::now(started_by))
}

/// [`import_pds_points`] with an explicit context (the batch size, when measuring).
///
/// # Errors
/// As [`import_pds_points`].
pub fn import_pds_points_with(
    pool: &PgPool,
    file: &Path,
    ctx: &PositionImportContext,
) -> Result<PositionImportReport, ImportPositionsError> {
    let mut source = PdsPointsReader::open(file)?;
    import_positions(&mut source, &DieselPositionImport::new(pool.clone()), ctx)
}

/// Assesses the stored PDS trips `source_ids` again on their positions (after either of
/// the two PDS files arrives); returns how many had positions to assess.
///
/// # Errors
/// [`crate::application::shared::StoreError`] when the database fails.
pub fn assess_pds_tracks(
    pool: &PgPool,
    source_ids: &[String],
) -> Result<usize, crate::application::shared::StoreError> {
    crate::application::tracking::assess_tracks::reassess_trips(
        &crate::adapters::persistence::tracking::trips::DieselTrackAssessment::new(pool.clone()),
        &TrackRules::default(),
        source_ids,
    )
}
