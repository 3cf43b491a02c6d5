//! Pages of the spatial-catch context: where the tracked fleet fishes (the effort map and
//! grid, with filters), match rates, the agreement of the matches with the source's links
//! and the imputation's accuracy; and its data products as CSV (the effort grid, the
//! matches).

use std::sync::Arc;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::adapters::http::shared::export::{Export, audited_table};
use crate::adapters::http::shared::page::render;
use crate::adapters::http::shared::prepared::Prepared;
use crate::adapters::http::shared::routes::{Endpoint, NavEntry};
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::svg;
use crate::adapters::http::shared::views::{Choice, Chrome, int, num};
use crate::adapters::http::tracking::{gear_name, opt_text, pct};
use crate::application::geography::ports::GeographyQueries;
use crate::application::spatial_catch::ports::{
    GridFilter, MatchRateRow, MatchingRun, SpatialCatchQueries,
};
use crate::application::tracking::ports::TrackingQueries;
use crate::domain::access::Permission;
use crate::domain::shared::Gear;

/// What the spatial-catch pages reach beside the [`AppState`].
pub struct SpatialCatchPages {
    /// Spatial-catch queries (the application role's pool, under the caller's scope).
    pub queries: Arc<dyn SpatialCatchQueries>,
    /// Tracking's queries (the vessels tracked, listed beside the map).
    pub tracking: Arc<dyn TrackingQueries>,
    /// Geography's published municipalities (the map's outlines).
    pub geography: Arc<dyn GeographyQueries>,
    /// Tracking pages prepared for the latest matching run (every rebuild of the spatial
    /// catch records one): the map, the figures and the tables of a scope and filter.
    pub prepared: Prepared<(Vec<String>, String), TrackingBody>,
}

/// The routes of the spatial-catch pages (under `/tracking`, where users find them).
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::get("/tracking", tracking_page),
        Endpoint::get("/tracking/grid.csv", grid_csv),
        Endpoint::get("/tracking/matches.csv", matches_csv),
    ]
}

/// The navigation entry of the spatial-catch pages.
pub fn navigation() -> Vec<NavEntry> {
    vec![NavEntry {
        order: 60,
        key: "tracking",
        label: "Tracking",
        href: "/tracking",
        needs: Permission::View,
    }]
}

/// Query of the map and the grid product: `from`/`to` months (`YYYY-MM`), `gear` and
/// `boat` type codes, `municipality` name.
#[derive(Debug, Deserialize, Default)]
pub struct GridQuery {
    from: Option<String>,
    to: Option<String>,
    gear: Option<String>,
    boat: Option<String>,
    municipality: Option<String>,
}

fn month(text: &Option<String>) -> Result<Option<NaiveDate>, String> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("`{t}` is not a month written YYYY-MM")),
    }
}

impl GridQuery {
    fn filter(&self) -> Result<GridFilter, String> {
        let gear = match self
            .gear
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => None,
            Some(g) => Some(
                g.parse::<i16>()
                    .ok()
                    .filter(|c| Gear::from_code((*c).into()).is_ok())
                    .ok_or_else(|| format!("`{g}` is not a gear code (1–9)"))?,
            ),
        };
        let boat = match self
            .boat
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => None,
            Some(b) => Some(
                b.parse::<i16>()
                    .ok()
                    .filter(|c| (1..=3).contains(c))
                    .ok_or_else(|| format!("`{b}` is not a boat type code (1–3)"))?,
            ),
        };
        Ok(GridFilter {
            boat,
            from: month(&self.from)?,
            to: month(&self.to)?,
            gear,
            municipality: self
                .municipality
                .clone()
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty()),
        })
    }
}

fn bad_request(message: &str) -> HttpResponse {
    HttpResponse::BadRequest()
        .content_type("text/plain; charset=utf-8")
        .body(message.to_string())
}

/// A row of the match-rate table.
pub struct RateRow {
    month: String,
    municipality: String,
    landings: String,
    landing_rate: String,
    trips: String,
    trip_rate: String,
}

/// The tracking page.
#[derive(Template, WebTemplate)]
#[template(path = "tracking/index.html")]
pub struct TrackingPage {
    chrome: Chrome,
    body: Arc<TrackingBody>,
}

/// What the tracking page shows of one scope and filter.
pub struct TrackingBody {
    map: String,
    from: String,
    to: String,
    gears: Vec<Choice>,
    boats: Vec<Choice>,
    municipalities: Vec<Choice>,
    cells: String,
    trips: String,
    matched: String,
    catch_kg: String,
    cpue: String,
    rates: Vec<RateRow>,
    run: Option<Vec<(String, String)>>,
    query: String,
    vessels: Vec<(String, String, String)>,
}

async fn tracking_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<SpatialCatchPages>,
    session: Session,
    q: web::Query<GridQuery>,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "tracking");
    // The matching run's figures are national: only a caller who sees a whole country gets
    // them; anyone else gets the same counts within their scope.
    let whole_country = scope.paths().iter().any(|p| p.depth() == 1);
    let filter = match q.filter() {
        Ok(f) => f,
        Err(e) => return bad_request(&e),
    };
    let mut paths: Vec<String> = scope.paths().iter().map(|p| p.to_string()).collect();
    paths.sort();
    let query = serde_urlencoded::to_string([
        ("from", q.from.clone().unwrap_or_default()),
        ("to", q.to.clone().unwrap_or_default()),
        ("gear", q.gear.clone().unwrap_or_default()),
        ("boat", q.boat.clone().unwrap_or_default()),
        ("municipality", q.municipality.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    let key = (paths, query.clone());
    let version = match pages.prepared.recent_version() {
        Some(v) => v,
        None => {
            let spatial = pages.queries.clone();
            let v = block!(spatial.latest_run()).map_or(0, |r| r.at.timestamp_micros());
            pages.prepared.saw_version(v);
            v
        }
    };
    if let Some(body) = pages.prepared.get(version, &key) {
        return render(&TrackingPage { chrome, body });
    }
    let (tracking, spatial, geography) = (
        pages.tracking.clone(),
        pages.queries.clone(),
        pages.geography.clone(),
    );
    let (s2, f2) = (scope.clone(), filter.clone());
    let (cells, rates, run, shapes, activity) =
        block!(Ok::<_, crate::application::shared::StoreError>((
            spatial.grid(&s2, &f2)?,
            spatial.match_rates(&s2)?,
            spatial.latest_run()?,
            geography.municipalities(&s2)?,
            tracking.vessel_activity(&s2)?,
        )));
    // Kept under the version of the run just read (newer than `version` when a rebuild
    // committed meanwhile).
    let loaded = run.as_ref().map_or(0, |r| r.at.timestamp_micros());
    if loaded != version {
        pages.prepared.saw_version(loaded);
    }
    let outlines: Vec<svg::Outline> = shapes
        .iter()
        .map(|s| (s.name.clone(), s.polygons.clone()))
        .collect();
    let map_cells: Vec<svg::MapCell> = cells
        .iter()
        .map(|c| {
            (
                c.row,
                c.col,
                c.trips as f64,
                format!(
                    "{:.1}…{:.1}°, {:.1}…{:.1}°: {} trips, {} matched, {} kg, CPUE {}",
                    f64::from(c.row) / 10.0,
                    f64::from(c.row + 1) / 10.0,
                    f64::from(c.col) / 10.0,
                    f64::from(c.col + 1) / 10.0,
                    c.trips,
                    c.matched_trips,
                    num(c.catch_kg, 1),
                    c.cpue().map_or("–".into(), |v| num(v, 3))
                ),
            )
        })
        .collect();
    let map = svg::effort_map(
        "Tracked trips per 0.1° cell",
        &outlines,
        &map_cells,
        &|trips| format!("{} trips", num(trips, 0)),
    );
    let trips: i64 = cells.iter().map(|c| c.trips).sum();
    let matched: i64 = cells.iter().map(|c| c.matched_trips).sum();
    let catch: f64 = cells.iter().map(|c| c.catch_kg).sum();
    let effort: f64 = cells.iter().map(|c| c.effort_fisher_hours).sum();
    let mut vessel_trips: std::collections::BTreeMap<String, (i64, String)> =
        std::collections::BTreeMap::new();
    for a in &activity {
        let e = vessel_trips
            .entry(a.vessel_id.clone())
            .or_insert((0, a.site_path.clone()));
        e.0 += a.trips;
    }
    let mut vessels: Vec<(String, String, String)> = vessel_trips
        .into_iter()
        .map(|(id, (n, path))| (id, path, int(n)))
        .collect();
    vessels.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let body = Arc::new(TrackingBody {
        map,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        gears: (1..=9)
            .map(|c| Choice {
                value: c.to_string(),
                label: gear_name(Some(c)),
                selected: filter.gear == Some(c),
            })
            .collect(),
        boats: [(1, "canoe"), (2, "motor boat"), (3, "shore")]
            .into_iter()
            .map(|(c, label)| Choice {
                value: c.to_string(),
                label: label.to_string(),
                selected: filter.boat == Some(c),
            })
            .collect(),
        municipalities: shapes
            .iter()
            .map(|s| Choice {
                value: s.name.clone(),
                label: s.name.clone(),
                selected: filter.municipality.as_deref() == Some(s.name.as_str()),
            })
            .collect(),
        cells: int(cells.len() as i64),
        trips: int(trips),
        matched: int(matched),
        catch_kg: num(catch, 1),
        cpue: if effort > 0.0 {
            num(catch / effort, 3)
        } else {
            "–".into()
        },
        rates: rates
            .iter()
            .map(|r| RateRow {
                month: r.month.format("%Y-%m").to_string(),
                municipality: r.municipality.clone().unwrap_or_else(|| "unknown".into()),
                landings: format!("{} of {}", r.landings_matched, r.landings_with_tracker),
                landing_rate: pct((r.landings_with_tracker > 0)
                    .then(|| f64::from(r.landings_matched) / f64::from(r.landings_with_tracker))),
                trips: format!("{} of {}", r.trips_matched, r.trips),
                trip_rate: pct(
                    (r.trips > 0).then(|| f64::from(r.trips_matched) / f64::from(r.trips))
                ),
            })
            .collect(),
        run: run.map(|r| {
            if !whole_country {
                return scoped_run_rows(&r, &rates);
            }
            vec![
                (
                    "Computed".into(),
                    r.at.format("%Y-%m-%d %H:%M UTC").to_string(),
                ),
                ("Surveyed landings read".into(), int(r.landings.into())),
                ("Valid tracked trips read".into(), int(r.trips.into())),
                ("Matches".into(), int(r.matches.into())),
                (
                    "Against the source's links".into(),
                    format!(
                        "{} of {} found; precision {}, recall {}",
                        r.true_positives,
                        r.reference_links,
                        pct(r.precision),
                        pct(r.recall)
                    ),
                ),
                ("Unmatched trips imputed".into(), int(r.imputed.into())),
                (
                    "Imputation accuracy (leave-one-out)".into(),
                    format!(
                        "gear {}, habitat {} over {} matched trips",
                        pct(r.gear_accuracy),
                        pct(r.habitat_accuracy),
                        r.donors
                    ),
                ),
            ]
        }),
        query,
        vessels,
    });
    pages.prepared.put(loaded, key, body.clone());
    render(&TrackingPage { chrome, body })
}

/// The matching run's rows for a caller who does not see a whole country: its time, and the
/// counts of the match-rate rows within their scope (national precision, recall and
/// imputation accuracy are not theirs to see).
fn scoped_run_rows(run: &MatchingRun, rates: &[MatchRateRow]) -> Vec<(String, String)> {
    let sum = |f: fn(&MatchRateRow) -> i32| rates.iter().map(|r| i64::from(f(r))).sum::<i64>();
    vec![
        (
            "Computed".into(),
            run.at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        (
            "Surveyed landings with a tracker, in your jurisdictions".into(),
            int(sum(|r| r.landings_with_tracker)),
        ),
        ("Of them matched".into(), int(sum(|r| r.landings_matched))),
        (
            "Tracked trips, in your jurisdictions".into(),
            int(sum(|r| r.trips)),
        ),
        ("Of them matched".into(), int(sum(|r| r.trips_matched))),
        (
            "Precision, recall and imputation accuracy".into(),
            "computed for the whole country: shown to its national users".into(),
        ),
    ]
}

async fn matches_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<SpatialCatchPages>,
    session: Session,
) -> HttpResponse {
    let (scope, _chrome, current) = ctx!(
        req,
        state,
        session,
        "tracking",
        Permission::Export,
        with_user
    );
    let spatial = pages.queries.clone();
    let s2 = scope.clone();
    let matches = block!(spatial.matches(&s2));
    let mut rows = vec![vec!["trip_id".to_string(), "PDS_trip".to_string()]];
    rows.extend(
        matches
            .iter()
            .map(|(l, t)| vec![l.to_string(), t.to_string()]),
    );
    audited_table(
        &req,
        &state,
        (&scope, &current),
        Export {
            what: "tracking/matches.csv",
            file: "tracking-matches.csv",
            rows: 0,
            details: Vec::new(),
        },
        &rows,
    )
    .await
}

async fn grid_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<SpatialCatchPages>,
    session: Session,
    q: web::Query<GridQuery>,
) -> HttpResponse {
    let (scope, _chrome, current) = ctx!(
        req,
        state,
        session,
        "tracking",
        Permission::Export,
        with_user
    );
    let filter = match q.filter() {
        Ok(f) => f,
        Err(e) => return bad_request(&e),
    };
    let spatial = pages.queries.clone();
    let s2 = scope.clone();
    let cells = block!(spatial.grid_rows(&s2, &filter));
    let mut rows = vec![
        [
            "month",
            "municipality",
            "lat_south",
            "lon_west",
            "gear_code",
            "boat_code",
            "trips",
            "matched_trips",
            "imputed_gear_trips",
            "catch_kg",
            "effort_fisher_hours",
            "cpue",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect::<Vec<_>>(),
    ];
    rows.extend(cells.iter().map(|c| {
        vec![
            c.month.format("%Y-%m").to_string(),
            opt_text(c.municipality.clone()),
            format!("{:.1}", f64::from(c.row) / 10.0),
            format!("{:.1}", f64::from(c.col) / 10.0),
            opt_text(c.gear_code),
            opt_text(c.boat_code),
            c.trips.to_string(),
            c.matched_trips.to_string(),
            c.imputed_gear_trips.to_string(),
            format!("{:.3}", c.catch_kg),
            format!("{:.3}", c.effort_fisher_hours),
            c.cpue.map(|v| format!("{v:.6}")).unwrap_or_default(),
        ]
    }));
    audited_table(
        &req,
        &state,
        (&scope, &current),
        Export {
            what: "tracking/grid.csv",
            file: "tracking-effort-grid.csv",
            rows: 0,
            details: Vec::new(),
        },
        &rows,
    )
    .await
}
