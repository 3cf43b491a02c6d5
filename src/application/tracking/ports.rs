//! Ports of the tracking context: what its use cases need from storage.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::application::StoreError;
use crate::application::landings::ports::TableCounts;
use crate::domain::shared::MultiPolygon;
use crate::domain::tracking::{TrackFlag, TrackedTrip};

/// A tracked trip as a source gives it, before the track rules: the trip, and what the
/// source says beside it (PeskAAS's survey link and imputed gear and habitat).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceTrip {
    /// The source line (1 = header), for reporting.
    pub line: u64,
    /// The trip.
    pub trip: TrackedTrip,
    /// The landing site (station) code of the vessel's home site.
    pub site_code: Option<String>,
    /// Boat type code (1 canoe, 2 motor boat, 3 shore).
    pub boat_code: Option<i16>,
    /// Gear code as the source gives it (PeskAAS: imputed from a donor trip).
    pub gear_code: Option<i16>,
    /// Habitat code as the source gives it (PeskAAS: imputed from a donor trip).
    pub habitat_code: Option<i16>,
    /// The surveyed landing the source linked the trip to (PeskAAS `trip_id`).
    pub source_landing_id: Option<i64>,
    /// The source's donor trip and distance (PeskAAS `donor_tripid`, `donor_distance`).
    pub donor: Option<(String, f64)>,
    /// A fingerprint of the source row: an unchanged trip is left alone on re-import.
    pub fingerprint: String,
}

/// A row refused by an importer, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedTripRow {
    /// The file.
    pub file: String,
    /// The line (1 = header).
    pub line: u64,
    /// The column, when one is at fault.
    pub column: Option<String>,
    /// Why.
    pub reason: String,
    /// The row as read.
    pub raw: String,
}

/// A trip as stored: the source trip, placed in the jurisdiction tree and assessed.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessedTrip<'a> {
    /// The source trip.
    pub source: &'a SourceTrip,
    /// Jurisdiction path of its site (what scopes and row-level security filter on).
    pub site_path: String,
    /// Municipality of its site, when known.
    pub municipality: Option<String>,
    /// The flags of the track rules.
    pub flags: Vec<TrackFlag>,
}

impl AssessedTrip<'_> {
    /// True when no flag is an error: the trip counts in effort figures.
    pub fn is_valid(&self) -> bool {
        !self
            .flags
            .iter()
            .any(|f| f.severity == crate::domain::tracking::Severity::Error)
    }
}

/// The record of one tracking import.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackingImportRecord {
    /// Its id.
    pub id: Uuid,
    /// The source (`peskaas`, `pds`).
    pub source: String,
    /// The file or directory read.
    pub location: String,
    /// When it started and finished (UTC).
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
    /// Who ran it.
    pub started_by: String,
    /// Counts per file.
    pub counts: Vec<TableCounts>,
    /// The jurisdiction it covers (the country).
    pub jurisdiction: String,
}

/// Where a landing site sits: (jurisdiction path, municipality name when known).
pub type SitePlace = (String, Option<String>);

/// The writes of one tracking import, in one transaction.
pub trait TrackingImportTransaction {
    /// The land the on-land rule uses: the municipality boundaries of the jurisdiction tree.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn land(&mut self) -> Result<Vec<MultiPolygon>, StoreError>;

    /// Landing sites by code, and the single country's path (`None` with several).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn sites(&mut self) -> Result<(HashMap<String, SitePlace>, Option<String>), StoreError>;

    /// Stored fingerprints of `source`'s trips, by source trip id.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn trip_fingerprints(&mut self, source: &str) -> Result<HashMap<String, String>, StoreError>;

    /// Replaces (or inserts) `trips`, their vessels, devices and deployments.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn write_trips(
        &mut self,
        import_id: Uuid,
        trips: &[AssessedTrip<'_>],
    ) -> Result<(), StoreError>;

    /// Records the import and its rejected rows.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn record_import(
        &mut self,
        record: &TrackingImportRecord,
        rejected: &[RejectedTripRow],
    ) -> Result<(), StoreError>;
}

/// Runs a tracking import in one transaction.
pub trait TrackingImportUnitOfWork {
    /// Runs `work` in one transaction: committed on `Ok`, rolled back otherwise.
    ///
    /// # Errors
    /// The error `work` returned, or the database's.
    fn run(
        &self,
        work: &mut dyn FnMut(&mut dyn TrackingImportTransaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
}
