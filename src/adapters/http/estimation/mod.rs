//! The estimation context's pages: for now the PeskAAS national estimate as a CSV product,
//! `/estimates/peskaas.csv`.

use std::sync::Arc;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::adapters::http::shared::export::{Export, audited_table};
use crate::adapters::http::shared::routes::Endpoint;
use crate::adapters::http::shared::state::AppState;
use crate::application::estimation::peskaas::{PeskaasMonth, peskaas_estimate};
use crate::application::estimation::peskas::{PeskasRow, peskas_estimate};
use crate::application::estimation::ports::{EstimationQueries, PeskasInputs};
use crate::domain::access::Permission;

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
        Endpoint::get("/estimates/peskaas.csv", peskaas_csv),
        Endpoint::get("/estimates/peskas.csv", peskas_csv),
    ]
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
