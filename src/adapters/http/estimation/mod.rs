//! The estimation context's pages: for now the PeskAAS national estimate as a CSV product,
//! `/estimates/peskaas.csv`.

use std::sync::Arc;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use crate::adapters::http::shared::export::{Export, audited_table};
use crate::adapters::http::shared::page::render;
use crate::adapters::http::shared::routes::{Endpoint, NavEntry};
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::svg::{self, EstimateBar};
use crate::adapters::http::shared::views::{Choice, Chrome, int, num};
use crate::application::estimation::peskaas::{PeskaasMonth, peskaas_estimate};
use crate::application::estimation::peskas::{PeskasRow, peskas_estimate};
use crate::application::estimation::ports::{EstimationQueries, PeskasInputs};
use crate::domain::access::Permission;
use crate::domain::estimation::peskaas::FleetBoatType;
use crate::domain::estimation::peskas::REPLICATES;

/// What the estimation pages reach beside the [`AppState`].
pub struct EstimationPages {
    /// The estimates' reads (the application role's pool, under the caller's scope).
    pub queries: Arc<dyn EstimationQueries>,
    /// The Peskas estimate's inputs (the same pool and scope).
    pub peskas: Arc<dyn PeskasInputs>,
}

/// The routes of the estimation pages.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::get("/estimates", estimates_page),
        Endpoint::get("/estimates/peskaas.csv", peskaas_csv),
        Endpoint::get("/estimates/peskas.csv", peskas_csv),
    ]
}

/// The estimation pages' entry in the navigation.
pub fn navigation() -> Vec<NavEntry> {
    vec![NavEntry {
        order: 55,
        key: "estimates",
        label: "Estimates",
        href: "/estimates",
        needs: Permission::View,
    }]
}

/// A month of a census area on the estimates page.
#[derive(Debug, Clone)]
pub struct PeskasView {
    month: String,
    catch_kg: String,
    limits: String,
    value: String,
    landings: String,
    devices: String,
    trips_per_boat: String,
    boats: String,
    coverage: String,
    thin: bool,
}

/// A month of the national estimate on the estimates page.
#[derive(Debug, Clone)]
pub struct PeskaasView {
    month: String,
    canoe: String,
    motor: String,
    catch_t: String,
    note: String,
}

/// `/estimates`.
#[derive(Template, WebTemplate)]
#[template(path = "estimation/index.html")]
pub struct EstimatesPage {
    chrome: Chrome,
    replicates: usize,
    areas: Vec<Choice>,
    peskas_svg: String,
    coverage_note: String,
    peskas_rows: Vec<PeskasView>,
    peskaas_svg_national: String,
    peskaas_rows: Vec<PeskaasView>,
}

#[derive(Deserialize)]
struct EstimatesQuery {
    area: Option<String>,
}

async fn estimates_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<EstimationPages>,
    session: Session,
    q: web::Query<EstimatesQuery>,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "estimates");
    let (queries, inputs, s2) = (pages.queries.clone(), pages.peskas.clone(), scope.clone());
    let (peskas, peskaas) = block!(
        peskas_estimate(queries.as_ref(), inputs.as_ref(), &s2)
            .and_then(|p| Ok((p, peskaas_estimate(queries.as_ref(), &s2)?)))
    );
    let mut names: Vec<String> = peskas.iter().map(|r| r.area.clone()).collect();
    names.dedup();
    let chosen = q
        .area
        .clone()
        .filter(|a| names.contains(a))
        .or_else(|| names.first().cloned())
        .unwrap_or_default();
    let mine: Vec<&PeskasRow> = peskas.iter().filter(|r| r.area == chosen).collect();
    let bars: Vec<EstimateBar> = mine
        .iter()
        .map(|r| EstimateBar {
            label: r.month.format("%Y-%m").to_string(),
            value: r.estimate.catch_kg / 1000.0,
            limits: Some((
                r.estimate.catch_limits.0 / 1000.0,
                r.estimate.catch_limits.1 / 1000.0,
            )),
            thin: r.estimate.thin,
        })
        .collect();
    let over = mine.iter().filter(|r| r.coverage > 1.0).count();
    let coverage_note = match mine.first() {
        None => String::new(),
        Some(r) if over > 0 => format!(
            "Tracker coverage: in {over} of {} months more trackers were seen than the census \
             counts boats ({} boats): the census and the tracked fleet disagree, so trips per \
             boat stand for fewer boats than are fishing.",
            mine.len(),
            r.estimate.boats
        ),
        Some(r) => format!(
            "Tracker coverage: trackers seen ÷ the census's {} boats, graded as Peskas \
             Zanzibar does (high ≥ 30 %, medium 10–29 %, low < 10 %).",
            r.estimate.boats
        ),
    };
    let t = |kg: f64| num(kg, 0);
    let peskas_rows = mine
        .iter()
        .map(|r| {
            let e = &r.estimate;
            PeskasView {
                month: r.month.format("%Y-%m").to_string(),
                catch_kg: t(e.catch_kg),
                limits: format!("{} – {}", t(e.catch_limits.0), t(e.catch_limits.1)),
                value: e.value_usd.map(t).unwrap_or_else(|| "–".into()),
                landings: int(e.landings as i64),
                devices: int(e.devices as i64),
                trips_per_boat: num(e.trips_per_boat, 1),
                boats: int(e.boats.into()),
                coverage: format!(
                    "{} ({})",
                    num(r.coverage * 100.0, 0) + " %",
                    r.grade.map_or("none", |g| g.key())
                ),
                thin: e.thin,
            }
        })
        .collect();
    let national_bars: Vec<EstimateBar> = peskaas
        .iter()
        .map(|m| EstimateBar {
            label: m.month.format("%Y-%m").to_string(),
            value: m.catch_t,
            limits: None,
            thin: !m.missing.is_empty(),
        })
        .collect();
    let cpue_of = |m: &PeskaasMonth, t: FleetBoatType| {
        m.parts
            .iter()
            .find(|p| p.boat_type == t)
            .map_or_else(|| "–".to_string(), |p| num(p.cpue, 3))
    };
    render(&EstimatesPage {
        chrome,
        replicates: REPLICATES,
        areas: names
            .iter()
            .map(|n| Choice {
                value: n.clone(),
                label: n.clone(),
                selected: *n == chosen,
            })
            .collect(),
        peskas_svg: svg::estimate_bars(
            &format!("Peskas catch estimate of {chosen} by month, tonnes, with 95 % limits"),
            "t",
            &bars,
        ),
        coverage_note,
        peskas_rows,
        peskaas_svg_national: svg::estimate_bars(
            "PeskAAS national catch estimate by month, tonnes (no limits)",
            "t",
            &national_bars,
        ),
        peskaas_rows: peskaas
            .iter()
            .map(|m| PeskaasView {
                month: m.month.format("%Y-%m").to_string(),
                canoe: cpue_of(m, FleetBoatType::Canoe),
                motor: cpue_of(m, FleetBoatType::Motor),
                catch_t: num(m.catch_t, 1),
                note: if m.missing.is_empty() {
                    String::new()
                } else {
                    format!(
                        "no surveyed landings of {}: not counted",
                        m.missing
                            .iter()
                            .map(|t| t.key())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            })
            .collect(),
    })
}

/// The header of `/estimates/peskaas.csv`.
pub const PESKAAS_CSV_HEADER: [&str; 5] = ["month", "boat_type", "cpue", "boats", "catch_t"];

/// The rows of `/estimates/peskaas.csv`: per month, one row per boat type (CPUE in kg per
/// fisher-hour to 0.000001, catch in tonnes to 0.001), then the national row (boat type
/// `national`, no CPUE, the boats and catch of the types that had landings).
pub fn peskaas_rows(months: &[PeskaasMonth]) -> Vec<Vec<String>> {
    let mut rows = vec![
        PESKAAS_CSV_HEADER
            .iter()
            .map(|s| (*s).to_string())
            .collect(),
    ];
    for m in months {
        let month = m.month.format("%Y-%m").to_string();
        for p in &m.parts {
            rows.push(vec![
                month.clone(),
                p.boat_type.key().to_string(),
                format!("{:.6}", p.cpue),
                p.boats.to_string(),
                format!("{:.3}", p.catch_t),
            ]);
        }
        rows.push(vec![
            month,
            "national".to_string(),
            String::new(),
            m.parts.iter().map(|p| p.boats).sum::<u32>().to_string(),
            format!("{:.3}", m.catch_t),
        ]);
    }
    rows
}

async fn peskaas_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<EstimationPages>,
    session: Session,
) -> HttpResponse {
    let (scope, _chrome, current) = ctx!(
        req,
        state,
        session,
        "estimates",
        Permission::Export,
        with_user
    );
    let queries = pages.queries.clone();
    let s2 = scope.clone();
    let months = block!(peskaas_estimate(queries.as_ref(), &s2));
    audited_table(
        &req,
        &state,
        (&scope, &current),
        Export {
            what: "estimates/peskaas.csv",
            file: "estimates-peskaas.csv",
            rows: months.len(),
            details: vec![("method", "peskaas".to_string())],
        },
        &peskaas_rows(&months),
    )
    .await
}

/// The header of `/estimates/peskas.csv`.
pub const PESKAS_CSV_HEADER: [&str; 15] = [
    "municipality",
    "month",
    "catch_kg",
    "catch_lower",
    "catch_upper",
    "value_usd",
    "value_lower",
    "value_upper",
    "landings",
    "devices",
    "trips_per_boat",
    "boats",
    "coverage",
    "coverage_grade",
    "thin",
];

/// The rows of `/estimates/peskas.csv`: one per census area (`municipality`: a
/// municipality, or those its census row counts together) and month; kg and USD to 0.1,
/// trips per boat to 0.01, coverage as a fraction to 0.0001; `thin` is `true` for a month
/// of fewer than 3 landings (shown, never padded); an empty value where no landing records
/// one.
pub fn peskas_rows(rows: &[PeskasRow]) -> Vec<Vec<String>> {
    let mut out = vec![PESKAS_CSV_HEADER.iter().map(|s| (*s).to_string()).collect()];
    let one = |v: f64| format!("{v:.1}");
    for r in rows {
        let e = &r.estimate;
        out.push(vec![
            r.area.clone(),
            r.month.format("%Y-%m").to_string(),
            one(e.catch_kg),
            one(e.catch_limits.0),
            one(e.catch_limits.1),
            e.value_usd.map(one).unwrap_or_default(),
            e.value_limits.map(|l| one(l.0)).unwrap_or_default(),
            e.value_limits.map(|l| one(l.1)).unwrap_or_default(),
            e.landings.to_string(),
            e.devices.to_string(),
            format!("{:.2}", e.trips_per_boat),
            e.boats.to_string(),
            format!("{:.4}", r.coverage),
            r.grade.map(|g| g.key().to_string()).unwrap_or_default(),
            e.thin.to_string(),
        ]);
    }
    out
}

async fn peskas_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<EstimationPages>,
    session: Session,
) -> HttpResponse {
    let (scope, _chrome, current) = ctx!(
        req,
        state,
        session,
        "estimates",
        Permission::Export,
        with_user
    );
    let queries = pages.queries.clone();
    let inputs = pages.peskas.clone();
    let s2 = scope.clone();
    let rows = block!(peskas_estimate(queries.as_ref(), inputs.as_ref(), &s2));
    audited_table(
        &req,
        &state,
        (&scope, &current),
        Export {
            what: "estimates/peskas.csv",
            file: "estimates-peskas.csv",
            rows: rows.len(),
            details: vec![("method", "peskas".to_string())],
        },
        &peskas_rows(&rows),
    )
    .await
}
