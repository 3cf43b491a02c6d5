//! The events the tracking context raises: trips imported, positions imported, trips
//! assessed again on their positions. Spatial catch (and any later consumer) subscribes.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::shared::{EventPayload, JurisdictionPath};

/// A file of tracked trips was imported (PeskAAS `tracked_trips.csv`, a PDS trips export).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedTripsImported {
    /// The import's id.
    pub import_id: Uuid,
    /// The source (`peskaas`, `pds`).
    pub source: String,
    /// The jurisdiction the import covers (the country), as a path; empty when unknown.
    pub jurisdiction: String,
    /// Trips written (new or changed).
    pub written: u64,
    /// Of which break an error rule (kept, flagged, left out of effort figures).
    pub invalid: u64,
}

impl EventPayload for TrackedTripsImported {
    const TYPE: &'static str = "tracking.TrackedTripsImported";
    const VERSION: u16 = 1;
    const AGGREGATE: &'static str = "TrackingImport";

    fn aggregate_id(&self) -> String {
        self.import_id.to_string()
    }

    fn jurisdiction(&self) -> Option<JurisdictionPath> {
        JurisdictionPath::parse(&self.jurisdiction).ok()
    }
}

/// A file of GPS positions (a PDS points export) was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionsImported {
    /// The import's id.
    pub import_id: Uuid,
    /// The jurisdiction the import covers (the country), as a path; empty when unknown.
    pub jurisdiction: String,
    /// Positions written.
    pub positions: u64,
    /// Distinct trips with positions written.
    pub trips: u64,
}

impl EventPayload for PositionsImported {
    const TYPE: &'static str = "tracking.PositionsImported";
    const VERSION: u16 = 1;
    const AGGREGATE: &'static str = "TrackingImport";

    fn aggregate_id(&self) -> String {
        self.import_id.to_string()
    }

    fn jurisdiction(&self) -> Option<JurisdictionPath> {
        JurisdictionPath::parse(&self.jurisdiction).ok()
    }
}

/// Stored tracked trips were assessed again on their positions (the track rules' flags, the
/// track signature and the distance may have changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedTripsReassessed {
    /// A unique id of the reassessment.
    pub run_id: Uuid,
    /// Trips assessed.
    pub trips: u64,
}

impl EventPayload for TrackedTripsReassessed {
    const TYPE: &'static str = "tracking.TrackedTripsReassessed";
    const VERSION: u16 = 1;
    const AGGREGATE: &'static str = "TrackAssessment";

    fn aggregate_id(&self) -> String {
        self.run_id.to_string()
    }

    fn jurisdiction(&self) -> Option<JurisdictionPath> {
        None
    }
}
