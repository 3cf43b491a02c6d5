//! Tracking pages: the effort map and grid, match rates, one trip, one vessel, and the
//! tracking and spatial-catch data products as CSV.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::adapters::http::AppState;
use crate::adapters::http::landings::{client_addr, context, render};
use crate::adapters::http::shared::errors::{internal, not_found_page};
use crate::adapters::http::shared::svg;
use crate::adapters::http::shared::views::{Choice, Chrome, int, num};
use crate::adapters::security::guard::CurrentUser;
use crate::application::shared::AuditEntry;
use crate::application::spatial_catch::ports::GridFilter;
use crate::application::tracking::ports::TripDetail;
use crate::domain::access::Permission;
use crate::domain::landings::Gear;
use crate::domain::shared::AccessScope;

/// The time zone trips are shown in: Timor-Leste's (UTC+9, no daylight saving).
pub const SITE_TIME_ZONE: chrono_tz::Tz = chrono_tz::Asia::Dili;

/// Routes of the tracking pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/tracking", web::get().to(tracking_page))
        .route("/tracking/grid.csv", web::get().to(grid_csv))
        .route("/tracking/matches.csv", web::get().to(matches_csv))
        .route("/tracking/activity.csv", web::get().to(activity_csv))
        .route("/tracking/trips/{id}", web::get().to(trip_page))
        .route("/tracking/vessels/{id}", web::get().to(vessel_page));
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

fn gear_name(code: Option<i16>) -> String {
    code.and_then(|c| Gear::from_code(c.into()).ok())
        .map_or_else(|| "unknown".to_string(), |g| g.to_string())
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{}%", num(v * 100.0, 1)))
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
    session: Session,
    q: web::Query<GridQuery>,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "tracking");
    let filter = match q.filter() {
        Ok(f) => f,
        Err(e) => return bad_request(&e),
    };
    let (tracking, spatial, landings) = (
        state.tracking.clone(),
        state.spatial.clone(),
        state.landings.clone(),
    );
    let (s2, f2) = (scope.clone(), filter.clone());
    let (cells, rates, run, shapes, activity) =
        block!(Ok::<_, crate::application::shared::StoreError>((
            spatial.grid(&s2, &f2)?,
            spatial.match_rates(&s2)?,
            spatial.latest_run()?,
            landings.municipalities(&s2)?,
            tracking.vessel_activity(&s2)?,
        )));
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
    let map = svg::effort_map("Tracked trips per 0.1° cell", &outlines, &map_cells);
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
    let query = serde_urlencoded::to_string([
        ("from", q.from.clone().unwrap_or_default()),
        ("to", q.to.clone().unwrap_or_default()),
        ("gear", q.gear.clone().unwrap_or_default()),
        ("boat", q.boat.clone().unwrap_or_default()),
        ("municipality", q.municipality.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    render(&TrackingPage {
        chrome,
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
    })
}

/// Records an export in the audit log; false when it could not be recorded.
async fn audit_export(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    current: &CurrentUser,
    scope: &AccessScope,
    what: &str,
    rows: usize,
) -> bool {
    let scope_text: Vec<String> = scope.paths().iter().map(|p| p.to_string()).collect();
    state
        .audit(
            AuditEntry::new("export")
                .by(current.user.email.as_str())
                .from(client_addr(req))
                .at(&scope_text.join(", "))
                .with("what", what)
                .with("rows", rows),
        )
        .await
}

/// Answers `rows` (a header, then the data) as the CSV download `name`, once the export is
/// recorded in the audit log as `what` (500, and nothing sent, when it cannot be).
async fn export(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    (scope, current): (&AccessScope, &CurrentUser),
    what: &str,
    name: &str,
    rows: &[Vec<String>],
) -> HttpResponse {
    let body = match write_csv(rows) {
        Ok(b) => b,
        Err(e) => return internal(&e),
    };
    let data_rows = rows.len().saturating_sub(1);
    if !audit_export(req, state, current, scope, what, data_rows).await {
        return internal(&"the export could not be recorded in the audit log");
    }
    csv_response(name, body)
}

fn csv_response(name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

fn write_csv(rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn opt_text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

async fn matches_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> HttpResponse {
    let (scope, _chrome, current) =
        match context(&req, &state, &session, "tracking", Permission::Export).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let spatial = state.spatial.clone();
    let s2 = scope.clone();
    let matches = block!(spatial.matches(&s2));
    let mut rows = vec![vec!["trip_id".to_string(), "PDS_trip".to_string()]];
    rows.extend(
        matches
            .iter()
            .map(|(l, t)| vec![l.to_string(), t.to_string()]),
    );
    export(
        &req,
        &state,
        (&scope, &current),
        "tracking/matches.csv",
        "tracking-matches.csv",
        &rows,
    )
    .await
}

async fn grid_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<GridQuery>,
) -> HttpResponse {
    let (scope, _chrome, current) =
        match context(&req, &state, &session, "tracking", Permission::Export).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let filter = match q.filter() {
        Ok(f) => f,
        Err(e) => return bad_request(&e),
    };
    let spatial = state.spatial.clone();
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
    export(
        &req,
        &state,
        (&scope, &current),
        "tracking/grid.csv",
        "tracking-effort-grid.csv",
        &rows,
    )
    .await
}

async fn activity_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> HttpResponse {
    let (scope, _chrome, current) =
        match context(&req, &state, &session, "tracking", Permission::Export).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let tracking = state.tracking.clone();
    let s2 = scope.clone();
    let activity = block!(tracking.vessel_activity(&s2));
    let mut rows = vec![
        [
            "vessel_id",
            "boat_code",
            "site",
            "month",
            "trips",
            "active_days",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect::<Vec<_>>(),
    ];
    rows.extend(activity.iter().map(|a| {
        vec![
            a.vessel_id.clone(),
            opt_text(a.boat_code),
            a.site_path.clone(),
            a.month.format("%Y-%m").to_string(),
            a.trips.to_string(),
            a.active_days.to_string(),
        ]
    }));
    export(
        &req,
        &state,
        (&scope, &current),
        "tracking/activity.csv",
        "tracking-vessel-activity.csv",
        &rows,
    )
    .await
}

/// 404 for a trip or vessel the caller may not see; audited when it exists elsewhere.
async fn tracking_out_of_scope(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    current: &CurrentUser,
    kind: &'static str,
    id: String,
) -> HttpResponse {
    let tracking = state.tracking.clone();
    let id2 = id.clone();
    if let Ok(Ok(true)) = web::block(move || tracking.exists_anywhere(kind, &id2)).await {
        state
            .audit(
                AuditEntry::new("authorisation.denied")
                    .by(current.user.email.as_str())
                    .from(client_addr(req))
                    .with("path", req.path())
                    .with(kind, id),
            )
            .await;
    }
    not_found_page()
}

/// One trip's page.
#[derive(Template, WebTemplate)]
#[template(path = "tracking/trip.html")]
pub struct TripPage {
    chrome: Chrome,
    title: String,
    map: String,
    fields: Vec<(String, String)>,
    flags: Vec<(String, String, String)>,
    vessel: Option<String>,
    landing: Option<(String, String)>,
    imputation: Option<String>,
    points: usize,
}

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&SITE_TIME_ZONE)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

fn trip_fields(t: &TripDetail) -> Vec<(String, String)> {
    vec![
        (
            "Source".into(),
            format!("{} trip {}", t.source, t.source_trip_id),
        ),
        ("Landing date".into(), t.date.to_string()),
        (
            "Started".into(),
            t.started_at.map(local).unwrap_or_else(|| "–".into()),
        ),
        (
            "Ended".into(),
            t.ended_at.map(local).unwrap_or_else(|| "–".into()),
        ),
        (
            "Duration".into(),
            t.duration_hours
                .map_or("–".into(), |h| format!("{} h", num(h, 2))),
        ),
        (
            "Distance".into(),
            t.distance_m
                .map_or("–".into(), |m| format!("{} km", num(m / 1000.0, 2))),
        ),
        (
            "Tracker (IMEI)".into(),
            t.imei.clone().unwrap_or_else(|| "–".into()),
        ),
        ("Landing site".into(), t.site_path.clone()),
        ("Gear (source)".into(), gear_name(t.gear_code)),
        (
            "Counts in effort".into(),
            if t.is_valid { "yes" } else { "no (error flag)" }.into(),
        ),
    ]
}

async fn trip_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
) -> HttpResponse {
    let (scope, chrome, current) =
        match context(&req, &state, &session, "tracking", Permission::View).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found_page();
    };
    let (tracking, landings) = (state.tracking.clone(), state.landings.clone());
    let s2 = scope.clone();
    let (trip, shapes) = block!(Ok::<_, crate::application::shared::StoreError>((
        tracking.trip(&s2, id)?,
        landings.municipalities(&s2)?,
    )));
    let Some(t) = trip else {
        return tracking_out_of_scope(&req, &state, &current, "trip", id.to_string()).await;
    };
    let outlines: Vec<svg::Outline> = shapes
        .iter()
        .map(|s| (s.name.clone(), s.polygons.clone()))
        .collect();
    let points: Vec<(f64, f64)> = t.positions.iter().map(|p| (p.1, p.2)).collect();
    let title = format!("Tracked trip {} of {}", t.source_trip_id, t.date);
    render(&TripPage {
        chrome,
        map: svg::track_map(&title, &outlines, &points),
        fields: trip_fields(&t),
        flags: t.flags.clone(),
        vessel: t.vessel_id.clone(),
        landing: t
            .matched_landing
            .map(|(id, source_id)| (id.to_string(), source_id.to_string())),
        imputation: t.imputation.map(|i| {
            let (gear, habitat, donor, distance, too_far) = (
                i.gear_code,
                i.habitat_code,
                i.donor_landing_source_id,
                i.distance,
                i.too_far,
            );
            format!(
                "gear {} and habitat code {} imputed from the matched trip of surveyed landing {} at distance {}{}",
                gear_name(gear),
                opt_text(habitat),
                donor,
                num(distance, 4),
                if too_far {
                    " (farther than PeskAAS's 0.2: not used in the grid)"
                } else {
                    ""
                }
            )
        }),
        points: points.len(),
        title,
    })
}

/// One vessel's page.
#[derive(Template, WebTemplate)]
#[template(path = "tracking/vessel.html")]
pub struct VesselPage {
    chrome: Chrome,
    id: String,
    fields: Vec<(String, String)>,
    devices: Vec<(String, String, String)>,
    months: Vec<(String, String, String, String, String)>,
}

async fn vessel_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
) -> HttpResponse {
    let (scope, chrome, current) =
        match context(&req, &state, &session, "tracking", Permission::View).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let id = id.into_inner();
    let tracking = state.tracking.clone();
    let (s2, id2) = (scope.clone(), id.clone());
    let Some(v) = block!(tracking.vessel(&s2, &id2)) else {
        return tracking_out_of_scope(&req, &state, &current, "vessel", id).await;
    };
    render(&VesselPage {
        chrome,
        fields: vec![
            (
                "Boat type".into(),
                match v.boat_code {
                    Some(1) => "canoe".into(),
                    Some(2) => "motor boat".into(),
                    Some(3) => "shore (no boat)".into(),
                    other => opt_text(other),
                },
            ),
            ("Name".into(), v.name.clone().unwrap_or_else(|| "–".into())),
            ("Home landing site".into(), v.site_path.clone()),
        ],
        devices: v
            .devices
            .iter()
            .map(|(imei, from, to)| (imei.clone(), from.to_string(), opt_text(*to)))
            .collect(),
        months: v
            .months
            .iter()
            .map(|m| {
                (
                    m.month.format("%Y-%m").to_string(),
                    int(m.trips),
                    int(m.valid_trips),
                    int(m.matched_trips),
                    int(m.active_days),
                )
            })
            .collect(),
        id: v.id,
    })
}
