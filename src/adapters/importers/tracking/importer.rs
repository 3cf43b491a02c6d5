//! The tracking importers: PeskAAS `tracked_trips.csv`, and the Pelagic Data Systems trips
//! and points exports. Each reads its file (anti-corruption layer) and imports it through
//! the tracking use cases; a PDS file is followed by the reassessment, on their positions,
//! of the trips it concerns (whichever of the two files arrives second).

use std::path::Path;
use std::sync::Arc;

use super::pds_points::PdsPointsReader;
use super::{pds_trips, tracked_trips};
use crate::application::ingestion::ports::{ImportFailure, ImportOutcome, Importer};
use crate::application::shared::{Caller, SourceFileError, StoreError, UnitOfWork};
use crate::application::tracking::assess_tracks::reassess_trips;
use crate::application::tracking::import_positions::{
    ImportPositionsError, PositionImportContext, PositionImportReport, import_positions,
};
use crate::application::tracking::import_trips::{
    TripBatch, TripImportReport, import_tracked_trips,
};
use crate::application::tracking::ports::TrackingTx;
use crate::domain::tracking::TrackRules;

/// Why an import of tracked trips failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum TrackImportError {
    /// A file-level fault.
    #[error(transparent)]
    File(#[from] SourceFileError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<TrackImportError> for ImportFailure {
    fn from(e: TrackImportError) -> Self {
        match e {
            TrackImportError::File(f) => ImportFailure::input(f.to_string()),
            TrackImportError::Store(s) => s.into(),
        }
    }
}

/// The imports of the tracking context's files, through one unit of work.
pub struct TrackImports<U> {
    uow: Arc<U>,
    rules: TrackRules,
}

impl<U> Clone for TrackImports<U> {
    fn clone(&self) -> Self {
        TrackImports {
            uow: self.uow.clone(),
            rules: self.rules.clone(),
        }
    }
}

impl<U> TrackImports<U>
where
    U: UnitOfWork,
    U::Tx: TrackingTx,
{
    /// The imports writing through `uow`, with the Peskas track rules.
    pub fn new(uow: Arc<U>) -> Self {
        TrackImports {
            uow,
            rules: TrackRules::default(),
        }
    }

    fn trips(
        &self,
        caller: &Caller,
        batch: &TripBatch,
        label: &str,
    ) -> Result<TripImportReport, TrackImportError> {
        Ok(import_tracked_trips(
            self.uow.as_ref(),
            caller,
            batch,
            &self.rules,
            label,
            chrono::Utc::now(),
        )?)
    }

    /// Imports `tracked_trips.csv` of the PeskAAS directory `dir` (after its landings: the
    /// trips are placed at the landing sites that import registered).
    ///
    /// # Errors
    /// [`TrackImportError`] for a file-level fault (before anything is written) or a
    /// database failure (rolled back).
    pub fn peskaas_tracks(
        &self,
        caller: &Caller,
        dir: &Path,
    ) -> Result<TripImportReport, TrackImportError> {
        self.trips(caller, &tracked_trips::read(dir)?, "peskaas tracked trips")
    }

    /// Imports the PDS trips export at `path`, then assesses again on their stored
    /// positions the trips it wrote; the report and how many were assessed.
    ///
    /// # Errors
    /// [`TrackImportError`] for a file-level fault or a database failure.
    pub fn pds_trips(
        &self,
        caller: &Caller,
        path: &Path,
    ) -> Result<(TripImportReport, usize), TrackImportError> {
        let report = self.trips(caller, &pds_trips::read(path)?, "pds trips")?;
        let assessed = reassess_trips(self.uow.as_ref(), caller, &self.rules, &report.written)?;
        Ok((report, assessed))
    }

    /// Imports the PDS points file `path` (streaming, one transaction), then assesses the
    /// trips it holds positions of; the report and how many trips were assessed.
    ///
    /// # Errors
    /// [`ImportPositionsError::File`] for a file-level fault (a missing file or column, a
    /// file that cannot be read on) and [`ImportPositionsError::Store`] for a database
    /// failure; either way nothing is written.
    pub fn pds_points(
        &self,
        caller: &Caller,
        path: &Path,
        ctx: &PositionImportContext,
    ) -> Result<(PositionImportReport, usize), ImportPositionsError> {
        let mut source = PdsPointsReader::open(path)?;
        let report = import_positions(self.uow.as_ref(), caller, &mut source, ctx)?;
        let assessed = reassess_trips(self.uow.as_ref(), caller, &self.rules, &report.trip_ids)?;
        Ok((report, assessed))
    }
}

fn trip_lines(r: &TripImportReport) -> Vec<String> {
    vec![format!(
        "{}: {} ({} flagged invalid)",
        r.counts.table,
        r.counts.summary(),
        r.invalid
    )]
}

/// The importer of PeskAAS `tracked_trips.csv`, beside the landings of `tasi import peskaas`.
pub struct PeskaasTracks<U>(pub TrackImports<U>);

impl<U> Importer for PeskaasTracks<U>
where
    U: UnitOfWork,
    U::Tx: TrackingTx,
{
    fn source(&self) -> &'static str {
        "peskaas"
    }

    fn file(&self) -> Option<&'static str> {
        Some(tracked_trips::FILE)
    }

    fn required(&self) -> bool {
        false
    }

    fn import(&self, caller: &Caller, location: &Path) -> Result<ImportOutcome, ImportFailure> {
        let r = self.0.peskaas_tracks(caller, location)?;
        Ok(ImportOutcome {
            lines: trip_lines(&r),
        })
    }
}

/// The importer of a PDS trips export (`tasi import pds-trips FILE`).
pub struct PdsTrips<U>(pub TrackImports<U>);

impl<U> Importer for PdsTrips<U>
where
    U: UnitOfWork,
    U::Tx: TrackingTx,
{
    fn source(&self) -> &'static str {
        "pds-trips"
    }

    fn file(&self) -> Option<&'static str> {
        None
    }

    fn required(&self) -> bool {
        true
    }

    fn import(&self, caller: &Caller, location: &Path) -> Result<ImportOutcome, ImportFailure> {
        let (r, assessed) = self.0.pds_trips(caller, location)?;
        let mut lines = trip_lines(&r);
        if assessed > 0 {
            lines.push(format!(
                "{assessed} trips assessed on their stored positions"
            ));
        }
        Ok(ImportOutcome { lines })
    }
}

/// The importer of a PDS points export (`tasi import pds-points FILE`).
pub struct PdsPoints<U>(pub TrackImports<U>);

impl<U> Importer for PdsPoints<U>
where
    U: UnitOfWork,
    U::Tx: TrackingTx,
{
    fn source(&self) -> &'static str {
        "pds-points"
    }

    fn file(&self) -> Option<&'static str> {
        None
    }

    fn required(&self) -> bool {
        true
    }

    fn import(&self, caller: &Caller, location: &Path) -> Result<ImportOutcome, ImportFailure> {
        let by = caller.actor().to_string();
        match self
            .0
            .pds_points(caller, location, &PositionImportContext::now(&by))
        {
            Ok((report, assessed)) => {
                let c = &report.counts;
                let mut lines = vec![format!(
                    "positions: {} read, {} imported, {} rejected",
                    c.read, c.imported, c.rejected
                )];
                if c.replaced > 0 {
                    lines.push(format!(
                        "{} positions of earlier imports replaced",
                        c.replaced
                    ));
                }
                lines.push(format!(
                    "{assessed} tracked trips assessed on their positions"
                ));
                Ok(ImportOutcome { lines })
            }
            Err(ImportPositionsError::File(f)) => Err(ImportFailure::input(f.to_string())),
            Err(ImportPositionsError::Store(s)) => Err(s.into()),
        }
    }
}
