//! Command and subscriber: rebuild the spatial-catch read models whenever landings or
//! tracked trips change (imports, reviews, reassessments), from the landings and tracking
//! contexts' published views.

use std::collections::BTreeMap;

use std::sync::Arc;

use crate::application::shared::{
    StoreError, StoredEvent, Subscriber, Transaction, UnitOfWork, handle_once,
};
use crate::domain::landings::events::{LandingReviewed, LandingsImported};
use crate::domain::shared::EventPayload;
use crate::domain::spatial_catch::{
    Accuracy, Agreement, EffortCell, Imputation, LandingForMatch, Match, MatchRate, TripForMatch,
    compare, cross_validate, donors, effort_grid, grid_trips, impute_donors, match_landings,
    unmatched_tracks,
};
use crate::domain::tracking::events::{TrackedTripsImported, TrackedTripsReassessed};

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

/// Reads and writes of the rebuild, inside its unit of work (the system's rights: every
/// jurisdiction).
pub trait SpatialCatchStore {
    /// Every dated landing (landings context's `v1_landing_trackers`).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn landings(&mut self) -> Result<Vec<LandingView>, StoreError>;

    /// Every tracked trip (tracking context's `v1_tracked_trips`).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn trips(&mut self) -> Result<Vec<TripView>, StoreError>;

    /// The country's path when the tree has exactly one country.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn country(&mut self) -> Result<Option<String>, StoreError>;

    /// Replaces the read models with `models`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails (the transaction, and the old models, stay).
    fn replace(&mut self, models: &SpatialCatchModels) -> Result<(), StoreError>;
}

/// The transaction of the spatial-catch use cases: hands out its ports.
pub trait SpatialCatchTx: Transaction {
    /// The read models and their inputs.
    fn models(&mut self) -> &mut dyn SpatialCatchStore;
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
    store: &mut dyn SpatialCatchStore,
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

/// The consumer name of the rebuild (its inbox rows and deliveries are kept under it).
pub const CONSUMER: &str = "spatial_catch.models";

/// The event types after which the models are rebuilt: a change of the landings (their
/// catch, effort and tracker ids) or of the tracked trips (their tracks and validity).
pub const EVENTS: &[&str] = &[
    LandingsImported::TYPE,
    LandingReviewed::TYPE,
    TrackedTripsImported::TYPE,
    TrackedTripsReassessed::TYPE,
];

/// The subscriber that rebuilds the spatial-catch models, once per batch of new events.
pub struct SpatialCatchRebuild<U> {
    uow: Arc<U>,
}

impl<U> SpatialCatchRebuild<U> {
    /// The rebuild writing through `uow`.
    pub fn new(uow: Arc<U>) -> Self {
        SpatialCatchRebuild { uow }
    }
}

impl<U> Subscriber for SpatialCatchRebuild<U>
where
    U: UnitOfWork,
    U::Tx: SpatialCatchTx,
{
    fn name(&self) -> &'static str {
        CONSUMER
    }

    fn event_types(&self) -> &'static [&'static str] {
        EVENTS
    }

    fn handle(&self, events: &[StoredEvent]) -> Result<(), StoreError> {
        handle_once(self.uow.as_ref(), CONSUMER, events, |tx, _| {
            refresh_spatial_catch(tx.models()).map(|_| ())
        })?;
        Ok(())
    }
}
