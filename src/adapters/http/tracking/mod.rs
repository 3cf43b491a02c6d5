//! Pages of the tracking context: one tracked trip (its track, flags, and what spatial catch
//! made of it), one vessel (trackers, activity by month), and the vessel-activity product
//! as CSV.

use std::sync::Arc;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use uuid::Uuid;

use crate::adapters::http::shared::caller::CurrentUser;
use crate::adapters::http::shared::errors::not_found_page;
use crate::adapters::http::shared::export::{Export, audited_table};
use crate::adapters::http::shared::page::{render, unseen_record};
use crate::adapters::http::shared::routes::Endpoint;
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::svg;
use crate::adapters::http::shared::views::{Chrome, int, num};
use crate::application::geography::ports::GeographyQueries;
use crate::application::tracking::ports::{TrackingQueries, TripDetail};
use crate::domain::access::Permission;
use crate::domain::shared::Gear;

/// The time zone trips are shown in: Timor-Leste's (UTC+9, no daylight saving).
pub const SITE_TIME_ZONE: chrono_tz::Tz = chrono_tz::Asia::Dili;

/// What the tracking pages reach beside the [`AppState`].
pub struct TrackingPages {
    /// Tracking queries (the application role's pool, under the caller's scope).
    pub queries: Arc<dyn TrackingQueries>,
    /// Geography's published municipalities (the trip map's outlines).
    pub geography: Arc<dyn GeographyQueries>,
}

/// The routes of the tracking pages.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::get("/tracking/activity.csv", activity_csv),
        Endpoint::get("/tracking/trips/{id}", trip_page),
        Endpoint::get("/tracking/vessels/{id}", vessel_page),
    ]
}

/// The name of gear `code`, `unknown` when there is none.
pub fn gear_name(code: Option<i16>) -> String {
    code.and_then(|c| Gear::from_code(c.into()).ok())
        .map_or_else(|| "unknown".to_string(), |g| g.to_string())
}

/// A share as a percentage with one decimal, `–` when there is none.
pub fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{}%", num(v * 100.0, 1)))
}

/// A value as text, empty when there is none.
pub fn opt_text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

async fn activity_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<TrackingPages>,
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
    let tracking = pages.queries.clone();
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
    audited_table(
        &req,
        &state,
        (&scope, &current),
        Export {
            what: "tracking/activity.csv",
            file: "tracking-vessel-activity.csv",
            rows: 0,
            details: Vec::new(),
        },
        &rows,
    )
    .await
}

/// 404 for a trip or vessel the caller may not see; audited when it exists elsewhere.
async fn tracking_out_of_scope(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    pages: &web::Data<TrackingPages>,
    current: &CurrentUser,
    kind: &'static str,
    id: String,
) -> HttpResponse {
    let tracking = pages.queries.clone();
    let id2 = id.clone();
    unseen_record(req, state, current, (kind, id), move || {
        tracking.exists_anywhere(kind, &id2)
    })
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
    donor_trip: Option<String>,
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
    pages: web::Data<TrackingPages>,
    session: Session,
    id: web::Path<String>,
) -> HttpResponse {
    let (scope, chrome, current) =
        ctx!(req, state, session, "tracking", Permission::View, with_user);
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found_page();
    };
    let (tracking, geography) = (pages.queries.clone(), pages.geography.clone());
    let s2 = scope.clone();
    let (trip, shapes) = block!(Ok::<_, crate::application::shared::StoreError>((
        tracking.trip(&s2, id)?,
        geography.municipalities(&s2)?,
    )));
    let Some(t) = trip else {
        return tracking_out_of_scope(&req, &state, &pages, &current, "trip", id.to_string()).await;
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
        donor_trip: t
            .imputation
            .as_ref()
            .and_then(|i| i.donor.map(|(trip, _)| trip.to_string())),
        imputation: t.imputation.map(|i| {
            let (gear, habitat, distance, too_far) =
                (i.gear_code, i.habitat_code, i.distance, i.too_far);
            let donor = match i.donor {
                Some((_, landing)) => format!("the matched trip of surveyed landing {landing}"),
                None => "a matched trip outside your jurisdictions".to_string(),
            };
            format!(
                "gear {} and habitat code {} imputed from {} at distance {}{}",
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
    trips: Vec<VesselTripRow>,
}

/// A line of a vessel's latest trips.
pub struct VesselTripRow {
    id: String,
    source_trip_id: String,
    date: String,
    hours: String,
    valid: &'static str,
    landing: String,
}

async fn vessel_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<TrackingPages>,
    session: Session,
    id: web::Path<String>,
) -> HttpResponse {
    let (scope, chrome, current) =
        ctx!(req, state, session, "tracking", Permission::View, with_user);
    let id = id.into_inner();
    let tracking = pages.queries.clone();
    let (s2, id2) = (scope.clone(), id.clone());
    let Some(v) = block!(tracking.vessel(&s2, &id2)) else {
        return tracking_out_of_scope(&req, &state, &pages, &current, "vessel", id).await;
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
        trips: v
            .trips
            .iter()
            .map(|t| VesselTripRow {
                id: t.id.to_string(),
                source_trip_id: t.source_trip_id.clone(),
                date: t.date.to_string(),
                hours: t
                    .duration_hours
                    .map(|h| num(h, 1))
                    .unwrap_or_else(|| "–".into()),
                valid: if t.is_valid { "yes" } else { "no" },
                landing: t
                    .matched_landing
                    .map(|l| l.to_string())
                    .unwrap_or_else(|| "–".into()),
            })
            .collect(),
        id: v.id,
    })
}
