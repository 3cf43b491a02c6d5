//! Ports of the tracking context: what its use cases need from storage.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::application::shared::{RejectedRow, StoreError, TableCounts, Transaction};
use crate::domain::shared::{AccessScope, LatLon, MultiPolygon};
use crate::domain::tracking::{TrackFlag, TrackedTrip};

/// A tracked trip as a source gives it, before the track rules: the trip, and what the
/// source says beside it (PeskAAS's survey link and imputed gear and habitat).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceTrip {
    /// The source line (1 = header), for reporting.
    pub line: u64,
    /// The trip.
    pub trip: TrackedTrip,
    /// The landing date: the day the trip ended, in the site's time zone.
    pub landing_date: chrono::NaiveDate,
    /// The vessel's name, when the source gives one (PDS `Boat Name`).
    pub vessel_name: Option<String>,
    /// The tracker's id at the source (PDS `Device Id`).
    pub device_id: Option<String>,
    /// The landing site (station) code, or its name (PDS `Community`), of the trip.
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

/// The writes of an import of tracked trips, inside its unit of work.
pub trait TrackedTripImports {
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
        rejected: &[RejectedRow],
    ) -> Result<(), StoreError>;
}

/// A stored trip with its positions, and the flags it carries now.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTrack {
    /// tasi's id.
    pub id: Uuid,
    /// The trip with every stored position, in time order.
    pub trip: TrackedTrip,
    /// Its flags as stored.
    pub flags: Vec<TrackFlag>,
}

/// What one assessment stores on a trip.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackAssessment {
    /// The flags: the rules' on the positions, and the duplicate flags of the import.
    pub flags: Vec<TrackFlag>,
    /// At most 10 positions evenly spaced along the track (PeskAAS's track signature).
    pub samples: Vec<LatLon>,
    /// Distance travelled, metres: as reported, else along the positions.
    pub distance_m: Option<f64>,
}

/// Reads and writes of a reassessment, inside its unit of work.
pub trait TrackAssessments {
    /// The land the on-land rule uses: the municipality boundaries.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn land(&mut self) -> Result<Vec<MultiPolygon>, StoreError>;

    /// The stored PDS trips among `source_ids` that have positions, with them.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails or a stored trip no longer reads back.
    fn tracks(&mut self, source_ids: &[String]) -> Result<Vec<StoredTrack>, StoreError>;

    /// Stores `assessment` on trip `id`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn store(&mut self, id: Uuid, assessment: &TrackAssessment) -> Result<(), StoreError>;
}

/// The transaction of the tracking use cases: hands out the ports they write through.
pub trait TrackingTx: Transaction {
    /// The writes of an import of tracked trips.
    fn trips(&mut self) -> &mut dyn TrackedTripImports;
    /// The reads and writes of a reassessment of trips on their positions.
    fn assessments(&mut self) -> &mut dyn TrackAssessments;
    /// The writer of an import of positions (positions imports wait for each other: one
    /// at a time).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn positions(
        &mut self,
    ) -> Result<Box<dyn super::position_ports::PositionImports + '_>, StoreError>;
}

/// A position of a trip: time (PDS points; none for sampled PeskAAS positions), latitude,
/// longitude (degrees), speed (m/s).
pub type PositionView = (Option<DateTime<Utc>>, f64, f64, Option<f64>);

/// One tracked trip as its page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TripDetail {
    /// tasi's id.
    pub id: Uuid,
    /// Source key.
    pub source: String,
    /// The source's trip id.
    pub source_trip_id: String,
    /// Vessel.
    pub vessel_id: Option<String>,
    /// Tracker.
    pub imei: Option<String>,
    /// Landing date.
    pub date: chrono::NaiveDate,
    /// Start (UTC), when known.
    pub started_at: Option<DateTime<Utc>>,
    /// End (UTC), when known.
    pub ended_at: Option<DateTime<Utc>>,
    /// Duration, hours.
    pub duration_hours: Option<f64>,
    /// Distance, metres.
    pub distance_m: Option<f64>,
    /// Site path.
    pub site_path: String,
    /// Gear code as the source gives it.
    pub gear_code: Option<i16>,
    /// Habitat code as the source gives it.
    pub habitat_code: Option<i16>,
    /// Boat type code.
    pub boat_code: Option<i16>,
    /// No error flag.
    pub is_valid: bool,
    /// Flags: (code, severity, reason).
    pub flags: Vec<(String, String, String)>,
    /// The positions: PDS points when loaded, else the sampled ones.
    pub positions: Vec<PositionView>,
    /// The surveyed landing matched to it: (id, source id).
    pub matched_landing: Option<(Uuid, i64)>,
    /// Gear and habitat imputed from a donor, when the trip is unmatched.
    pub imputation: Option<ImputedView>,
}

/// Gear and habitat of an unmatched trip imputed from its nearest matched trip.
#[derive(Debug, Clone, PartialEq)]
pub struct ImputedView {
    /// Imputed gear code.
    pub gear_code: Option<i16>,
    /// Imputed habitat code.
    pub habitat_code: Option<i16>,
    /// The donor: its trip's id and the source id of that trip's surveyed landing, only when
    /// the caller may open the donor trip (never an id of a record outside their scope).
    pub donor: Option<(Uuid, i64)>,
    /// Distance to the donor (PeskAAS: Euclidean over the 20 coordinates, degrees).
    pub distance: f64,
    /// Farther than PeskAAS's 0.2: not used.
    pub too_far: bool,
}

/// Activity of a vessel in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct VesselMonth {
    /// Month (first day).
    pub month: chrono::NaiveDate,
    /// Tracked trips.
    pub trips: i64,
    /// Of which valid (no error flag).
    pub valid_trips: i64,
    /// Of which matched to a surveyed landing.
    pub matched_trips: i64,
    /// Distinct days with a trip.
    pub active_days: i64,
}

/// A vessel as its page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct VesselDetail {
    /// Boat id.
    pub id: String,
    /// Name, when the source gives one.
    pub name: Option<String>,
    /// Boat type code.
    pub boat_code: Option<i16>,
    /// Home landing site code.
    pub home_site_code: Option<String>,
    /// Home site path.
    pub site_path: String,
    /// Trackers: (IMEI, first day, last day).
    pub devices: Vec<(String, chrono::NaiveDate, Option<chrono::NaiveDate>)>,
    /// Activity by month.
    pub months: Vec<VesselMonth>,
    /// Its latest trips (at most [`VESSEL_TRIPS_SHOWN`]), newest first.
    pub trips: Vec<VesselTrip>,
}

/// How many of a vessel's latest trips its page lists.
pub const VESSEL_TRIPS_SHOWN: i64 = 50;

/// One trip on a vessel's page.
#[derive(Debug, Clone, PartialEq)]
pub struct VesselTrip {
    /// tasi's id of the trip (its page: `/tracking/trips/{id}`).
    pub id: uuid::Uuid,
    /// The trip's id in its source.
    pub source_trip_id: String,
    /// Its day (local).
    pub date: chrono::NaiveDate,
    /// Hours at sea, when known.
    pub duration_hours: Option<f64>,
    /// Whether it passes the track rules.
    pub is_valid: bool,
    /// The source id of the surveyed landing it was matched to, if any.
    pub matched_landing: Option<i64>,
}

/// Trips per vessel per month (`/tracking/activity.csv`): the activity the Peskas estimate
/// of the boat activity coefficient needs.
#[derive(Debug, Clone, PartialEq)]
pub struct VesselActivityRow {
    /// Vessel.
    pub vessel_id: String,
    /// Boat type code.
    pub boat_code: Option<i16>,
    /// Home site path.
    pub site_path: String,
    /// Month.
    pub month: chrono::NaiveDate,
    /// Valid tracked trips.
    pub trips: i64,
    /// Distinct days with a valid trip.
    pub active_days: i64,
}

/// Read side of the tracking products; every query is limited to the caller's scope.
pub trait TrackingQueries: Send + Sync {
    /// One trip, when in scope.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn trip(&self, scope: &AccessScope, id: Uuid) -> Result<Option<TripDetail>, StoreError>;

    /// One vessel, when in scope.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn vessel(&self, scope: &AccessScope, id: &str) -> Result<Option<VesselDetail>, StoreError>;

    /// Trips per vessel per month.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn vessel_activity(&self, scope: &AccessScope) -> Result<Vec<VesselActivityRow>, StoreError>;

    /// Whether a trip (`kind` = `trip`, id) or vessel (`vessel`, id) exists in any scope
    /// (only to audit a refused request).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn exists_anywhere(&self, kind: &str, id: &str) -> Result<bool, StoreError>;
}
