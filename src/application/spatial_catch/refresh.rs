//! Command: rebuild the spatial-catch read models.

use std::collections::BTreeMap;

use crate::application::shared::StoreError;
use crate::domain::spatial_catch::{
    Accuracy, Agreement, EffortCell, Imputation, LandingForMatch, Match, MatchRate, TripForMatch,
    compare, cross_validate, donors, effort_grid, grid_trips, impute_donors, match_landings,
    unmatched_tracks,
};

/// A tracked trip as spatial catch reads it, with where it sits and the source's link.
#[derive(Debug, Clone, PartialEq)]
pub struct TripView {
    /// The trip.
    pub trip: TripForMatch,
    /// Jurisdiction path of its site.
    pub site_path: String,
    /// The surveyed landing (source id) the source linked it to (PeskAAS `trip_id`).
    pub source_link: Option<i64>,
}

/// A surveyed landing as spatial catch reads it, with its site's path.
#[derive(Debug, Clone, PartialEq)]
pub struct LandingView {
    /// The landing.
    pub landing: LandingForMatch,
    /// Jurisdiction path of its site.
    pub site_path: String,
}

/// Effort cells of one municipality (the jurisdiction they are scoped by).
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedCells {
    /// The jurisdiction path: `Country/Municipality`, or the country's for trips of sites
    /// with no known municipality.
    pub jurisdiction_path: String,
    /// The municipality's name, when known.
    pub municipality: Option<String>,
    /// The cells.
    pub cells: Vec<EffortCell>,
}

/// Everything one rebuild writes.
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialCatchModels {
    /// Matches, each with the landing's site path.
    pub matches: Vec<(Match, String)>,
    /// Imputations of unmatched trips, each with the trip's site path.
    pub imputations: Vec<(Imputation, String)>,
    /// Match rates by month and municipality, each with its jurisdiction path.
    pub rates: Vec<(MatchRate, String)>,
    /// The effort grid by municipality.
    pub cells: Vec<ScopedCells>,
    /// Agreement with the source's links.
    pub agreement: Agreement,
    /// Reference links (source landing id, source trip id) the agreement compares with.
    pub reference_links: usize,
    /// Leave-one-out accuracy of the imputation.
    pub accuracy: Accuracy,
    /// Landings and trips read.
    pub landings: usize,
    /// Trips read.
    pub trips: usize,
}

/// Reads and writes of the rebuild (owner rights: every jurisdiction).
pub trait SpatialCatchStore: Send + Sync {
    /// Pending requests for a rebuild (the landings outbox's `spatial_catch.rebuild`
    /// events, written when a review changes a landing).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn pending_requests(&self) -> Result<Vec<i64>, StoreError>;

    /// Marks the requests `ids` served.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn mark_done(&self, ids: &[i64]) -> Result<(), StoreError>;

    /// Every dated landing (landings context's `v1_landing_trackers`).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn landings(&self) -> Result<Vec<LandingView>, StoreError>;

    /// Every tracked trip (tracking context's `v1_tracked_trips`).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn trips(&self) -> Result<Vec<TripView>, StoreError>;

    /// The country's path when the tree has exactly one country.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn country(&self) -> Result<Option<String>, StoreError>;

    /// Replaces the read models with `models`, in one transaction.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails (the old models stay).
    fn replace(&self, models: &SpatialCatchModels) -> Result<(), StoreError>;
}

/// Rebuilds the spatial-catch read models: matches landings to trips (IMEI and date, one
/// landing and one trip per device and day), imputes gear and habitat of unmatched trips
/// from the nearest matched trip, measures the imputation by leave-one-out, compares the
/// matches with the source's links, and grids the effort by municipality. Returns what it
/// wrote.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn refresh_spatial_catch(
    store: &dyn SpatialCatchStore,
) -> Result<SpatialCatchModels, StoreError> {
    let landing_views = store.landings()?;
    let trip_views = store.trips()?;
    let country = store.country()?;
    let landings: Vec<LandingForMatch> = landing_views.iter().map(|l| l.landing.clone()).collect();
    let trips: Vec<TripForMatch> = trip_views.iter().map(|t| t.trip.clone()).collect();
    let report = match_landings(&landings, &trips);
    let landing_path: BTreeMap<_, _> = landing_views
        .iter()
        .map(|l| (l.landing.landing_id, l.site_path.clone()))
        .collect();
    let trip_path: BTreeMap<_, _> = trip_views
        .iter()
        .map(|t| (t.trip.trip_id, t.site_path.clone()))
        .collect();
    let reference: Vec<(i64, i64)> = trip_views
        .iter()
        .filter_map(|t| Some((t.source_link?, t.trip.source_id)))
        .collect();
    let agreement = compare(&report.matches, &reference);
    let donor_set = donors(&report, &landings, &trips);
    let accuracy = cross_validate(&donor_set);
    let imputed = impute_donors(&unmatched_tracks(&report, &trips), &donor_set);
    let municipality_path = |m: &Option<String>| match (&country, m) {
        (Some(c), Some(m)) => format!("{c}/{m}"),
        (Some(c), None) => c.clone(),
        (None, _) => String::new(),
    };
    let rates = report
        .rates()
        .into_iter()
        .map(|r| {
            let p = municipality_path(&r.municipality);
            (r, p)
        })
        .collect();
    // The grid, one municipality at a time, so each cell is scoped like its trips.
    let mut by_municipality: BTreeMap<Option<String>, Vec<TripForMatch>> = BTreeMap::new();
    for t in &trips {
        by_municipality
            .entry(t.municipality.clone())
            .or_default()
            .push(t.clone());
    }
    let mut cells = Vec::new();
    for (municipality, group) in by_municipality {
        let grid = effort_grid(&grid_trips(&group, &landings, &report, &imputed));
        cells.push(ScopedCells {
            jurisdiction_path: municipality_path(&municipality),
            municipality,
            cells: grid.cells,
        });
    }
    let models = SpatialCatchModels {
        matches: report
            .matches
            .iter()
            .map(|m| {
                let p = landing_path.get(&m.landing_id).cloned().unwrap_or_default();
                (m.clone(), p)
            })
            .collect(),
        imputations: imputed
            .into_iter()
            .map(|i| {
                let p = trip_path.get(&i.trip_id).cloned().unwrap_or_default();
                (i, p)
            })
            .collect(),
        rates,
        cells,
        agreement,
        reference_links: reference.len(),
        accuracy,
        landings: landings.len(),
        trips: trips.len(),
    };
    store.replace(&models)?;
    tracing::info!(
        matches = models.matches.len(),
        imputed = models.imputations.len(),
        "spatial-catch read models rebuilt"
    );
    Ok(models)
}

/// Rebuilds the spatial-catch models when a review asked for it since the last rebuild;
/// returns how many requests it served (0: nothing to do).
///
/// # Errors
/// [`StoreError`] when the database fails (the requests stay pending).
pub fn refresh_if_requested(store: &dyn SpatialCatchStore) -> Result<usize, StoreError> {
    let pending = store.pending_requests()?;
    if pending.is_empty() {
        return Ok(0);
    }
    refresh_spatial_catch(store)?;
    store.mark_done(&pending)?;
    Ok(pending.len())
}
