//! Ports of the spatial-catch context's read side: the effort grid, match rates and the
//! matches, each limited to the caller's scope, and the figures of the latest rebuild.

use chrono::{DateTime, Utc};

use crate::application::shared::StoreError;
use crate::domain::shared::AccessScope;

/// Filters of the effort grid: months (inclusive), gear and boat type codes, municipality.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GridFilter {
    /// First month.
    pub from: Option<chrono::NaiveDate>,
    /// Last month (its first day).
    pub to: Option<chrono::NaiveDate>,
    /// Gear code (the matched landing's, or imputed).
    pub gear: Option<i16>,
    /// Boat type code (1 canoe, 2 motor boat, 3 shore).
    pub boat: Option<i16>,
    /// Municipality of the trips' landing site.
    pub municipality: Option<String>,
}

/// One 0.1° cell of the effort grid, summed over the filter's months, gears and boats.
#[derive(Debug, Clone, PartialEq)]
pub struct CellTotal {
    /// ⌊latitude × 10⌋.
    pub row: i32,
    /// ⌊longitude × 10⌋.
    pub col: i32,
    /// Tracked trips that visited the cell (a trip counts once per cell it visits).
    pub trips: i64,
    /// Of which matched to a surveyed landing.
    pub matched_trips: i64,
    /// Catch of matched trips attributed to the cell, kg.
    pub catch_kg: f64,
    /// Effort of matched trips attributed to the cell, fisher-hours.
    pub effort_fisher_hours: f64,
}

impl CellTotal {
    /// CPUE of the cell: Σ catch ÷ Σ effort (kg per fisher-hour), `None` without effort.
    pub fn cpue(&self) -> Option<f64> {
        (self.effort_fisher_hours > 0.0).then(|| self.catch_kg / self.effort_fisher_hours)
    }
}

/// A row of the effort grid product (`/tracking/grid.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct CellRow {
    /// Month (first day).
    pub month: chrono::NaiveDate,
    /// Municipality of the trips' landing site.
    pub municipality: Option<String>,
    /// ⌊latitude × 10⌋.
    pub row: i32,
    /// ⌊longitude × 10⌋.
    pub col: i32,
    /// Gear code.
    pub gear_code: Option<i16>,
    /// Boat type code.
    pub boat_code: Option<i16>,
    /// Trips.
    pub trips: i32,
    /// Matched trips.
    pub matched_trips: i32,
    /// Trips whose gear was imputed.
    pub imputed_gear_trips: i32,
    /// Catch, kg.
    pub catch_kg: f64,
    /// Effort, fisher-hours.
    pub effort_fisher_hours: f64,
    /// CPUE, kg per fisher-hour.
    pub cpue: Option<f64>,
}

/// Match rate of one month and municipality.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchRateRow {
    /// Month (first day).
    pub month: chrono::NaiveDate,
    /// Municipality.
    pub municipality: Option<String>,
    /// Landings that report a tracker.
    pub landings_with_tracker: i32,
    /// Of which matched.
    pub landings_matched: i32,
    /// Tracked trips.
    pub trips: i32,
    /// Of which matched.
    pub trips_matched: i32,
}

/// The figures of the latest rebuild of the spatial-catch models (national aggregates).
#[derive(Debug, Clone, PartialEq)]
pub struct MatchingRun {
    /// When.
    pub at: DateTime<Utc>,
    /// Landings and trips read.
    pub landings: i32,
    /// Trips read.
    pub trips: i32,
    /// Matches made.
    pub matches: i32,
    /// Links the source made.
    pub reference_links: i32,
    /// Matches that are also source links.
    pub true_positives: i32,
    /// Precision against the source's links.
    pub precision: Option<f64>,
    /// Recall against the source's links.
    pub recall: Option<f64>,
    /// Matched trips used as donors.
    pub donors: i32,
    /// Leave-one-out accuracy of imputed gear.
    pub gear_accuracy: Option<f64>,
    /// Leave-one-out accuracy of imputed habitat.
    pub habitat_accuracy: Option<f64>,
    /// Trips imputed.
    pub imputed: i32,
}

/// Read side of the spatial-catch products; every query of records is limited to the
/// caller's scope.
pub trait SpatialCatchQueries: Send + Sync {
    /// The effort grid summed over `filter`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn grid(&self, scope: &AccessScope, filter: &GridFilter) -> Result<Vec<CellTotal>, StoreError>;

    /// The effort grid product rows under `filter`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn grid_rows(
        &self,
        scope: &AccessScope,
        filter: &GridFilter,
    ) -> Result<Vec<CellRow>, StoreError>;

    /// Match rates by month and municipality.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn match_rates(&self, scope: &AccessScope) -> Result<Vec<MatchRateRow>, StoreError>;

    /// The latest rebuild's national figures.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn latest_run(&self) -> Result<Option<MatchingRun>, StoreError>;

    /// Matches as source ids: (surveyed landing id, tracked trip id).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn matches(&self, scope: &AccessScope) -> Result<Vec<(i64, i64)>, StoreError>;
}
