//! Query: what the latest rebuild of the spatial-catch models found, told after an import
//! that caused one (the matches made and how they agree with the source's links; the
//! imputation of unmatched trips and its leave-one-out accuracy).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::ports::{MatchingRun, SpatialCatchQueries};
use crate::application::ingestion::ports::ImportReporter;
use crate::application::shared::StoreError;

/// The lines of a rebuild: its matches and its imputation.
pub fn run_lines(m: &MatchingRun) -> Vec<String> {
    let pct = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{:.1}%", v * 100.0));
    vec![
        format!(
            "matches: {} surveyed landings matched to tracked trips; against the source's {} links: precision {}, recall {}",
            m.matches,
            m.reference_links,
            pct(m.precision),
            pct(m.recall)
        ),
        format!(
            "imputation: {} unmatched trips took gear and habitat from their nearest matched trip; leave-one-out accuracy over {} donors: gear {}, habitat {}",
            m.imputed,
            m.donors,
            pct(m.gear_accuracy),
            pct(m.habitat_accuracy)
        ),
    ]
}

/// Tells, after an import, what the rebuild it caused found.
pub struct RebuildReport {
    queries: Arc<dyn SpatialCatchQueries>,
}

impl RebuildReport {
    /// The report read through `queries` (the owner's: a national figure).
    pub fn new(queries: Arc<dyn SpatialCatchQueries>) -> Self {
        RebuildReport { queries }
    }
}

impl ImportReporter for RebuildReport {
    fn report(&self, since: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
        Ok(match self.queries.latest_run()? {
            Some(run) if run.at >= since => run_lines(&run),
            _ => Vec::new(),
        })
    }
}
