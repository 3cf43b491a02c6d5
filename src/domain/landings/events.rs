//! The events the landings context raises. Consumers (its own summary projector, spatial
//! catch, and any later context) subscribe to them; the landings context names none of
//! them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Review, SurveyedLanding};
use crate::domain::shared::{EventPayload, JurisdictionPath};

/// A batch of surveyed landings was imported: new and changed landings written, unchanged
/// ones left alone, bad rows rejected. Raised by the import of landings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandingsImported {
    /// The import's id (its record and rejected rows are listed under it).
    pub import_id: Uuid,
    /// The source format (`peskaas`, `synthetic`).
    pub source: String,
    /// The jurisdiction the import covers (its country), as a path.
    pub jurisdiction: String,
    /// Landings written (new or changed).
    pub written: u64,
    /// Of which replaced an earlier version.
    pub replaced: u64,
    /// Landings read and already stored as they are.
    pub unchanged: u64,
    /// Rows rejected.
    pub rejected: u64,
}

impl EventPayload for LandingsImported {
    const TYPE: &'static str = "landings.LandingsImported";
    const VERSION: u16 = 1;
    const AGGREGATE: &'static str = "LandingsImport";

    fn aggregate_id(&self) -> String {
        self.import_id.to_string()
    }

    fn jurisdiction(&self) -> Option<JurisdictionPath> {
        JurisdictionPath::parse(&self.jurisdiction).ok()
    }
}

/// An officer reviewed a flagged surveyed landing (accepted, corrected or rejected it): what
/// the summaries count of it may have changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandingReviewed {
    /// tasi's id of the landing.
    pub landing_id: Uuid,
    /// The source's id (PeskAAS `trip_id`).
    pub source_id: i64,
    /// Its site's jurisdiction path.
    pub site_path: String,
    /// `accept`, `correct` or `reject`.
    pub decision: String,
    /// Who decided.
    pub reviewer: String,
    /// Whether the landing counts in the summaries after the review.
    pub counts_in_summaries: bool,
}

impl LandingReviewed {
    /// The event of `review` of `landing`, after which the landing counts in summaries
    /// when `counts`.
    pub fn of(landing: &SurveyedLanding, review: &Review, counts: bool) -> Self {
        LandingReviewed {
            landing_id: landing.id.0,
            source_id: landing.source_id,
            site_path: landing.site.path.to_string(),
            decision: review.decision.key().to_string(),
            reviewer: review.reviewer.clone(),
            counts_in_summaries: counts,
        }
    }
}

impl EventPayload for LandingReviewed {
    const TYPE: &'static str = "landings.LandingReviewed";
    const VERSION: u16 = 1;
    const AGGREGATE: &'static str = "SurveyedLanding";

    fn aggregate_id(&self) -> String {
        self.landing_id.to_string()
    }

    fn jurisdiction(&self) -> Option<JurisdictionPath> {
        JurisdictionPath::parse(&self.site_path).ok()
    }
}
