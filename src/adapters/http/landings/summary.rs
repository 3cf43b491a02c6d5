//! The monthly summary, as a page and as the CSV product `/landings/summary.csv`.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::LandingsPages;
use super::views::*;
use crate::adapters::http::shared::errors::{internal, page};
use crate::adapters::http::shared::export::{Export, audited_csv, write_safe_record};
use crate::adapters::http::shared::page::render;
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::views::{Choice, int, num};
use crate::domain::access::Permission;
use crate::domain::landings::MonthlySummaryRow;
use crate::domain::landings::SummaryScope;

#[derive(Deserialize)]
pub(super) struct SummaryQuery {
    scope: Option<String>,
}

/// The scope kind asked for: `None` = all; an unknown kind is an error.
fn summary_kind(q: &SummaryQuery) -> Result<Option<&'static str>, String> {
    match q.scope.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some("national") => Ok(Some("national")),
        Some("municipality") => Ok(Some("municipality")),
        Some("boat_type") => Ok(Some("boat_type")),
        Some(other) => Err(format!(
            "scope `{other}` is not one of national, municipality, boat_type"
        )),
    }
}

pub(super) async fn summary_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
    q: web::Query<SummaryQuery>,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "summary");
    let kind = match summary_kind(&q) {
        Ok(k) => k.unwrap_or("national"),
        Err(e) => {
            return page(
                actix_web::http::StatusCode::BAD_REQUEST,
                "Unknown scope",
                &e,
            );
        }
    };
    let p = pages.clone();
    let s2 = scope.clone();
    let rows = block!(super::monthly_summary(&p, &s2, Some(kind)));
    render(&SummaryPage {
        chrome,
        kinds: ["national", "municipality", "boat_type"]
            .iter()
            .map(|k| Choice {
                value: (*k).into(),
                label: k.replace('_', " "),
                selected: *k == kind,
            })
            .collect(),
        kind: kind.to_string(),
        rows: rows
            .iter()
            .map(|r| SummaryRow {
                scope: r.scope.to_string(),
                month: r.month.to_string(),
                landings: int(r.landings.into()),
                days: int(r.fishing_days.into()),
                effort: num(r.effort.value(), 1),
                catch_kg: num(r.catch.value(), 1),
                cpue: num(r.cpue.value(), 4),
            })
            .collect(),
    })
}

/// The header of `/landings/summary.csv`.
pub const SUMMARY_CSV_HEADER: [&str; 9] = [
    "scope",
    "municipality",
    "boat_type",
    "month",
    "landings",
    "fishing_days",
    "effort_fisher_hours",
    "catch_kg",
    "cpue",
];

/// Writes summary rows as CSV with `SUMMARY_CSV_HEADER`. Effort in fisher-hours to 0.01,
/// catch in kg to 0.0001 (the source weighs to 0.1 g), CPUE in kg per fisher-hour to
/// 0.000001.
pub fn summary_to_csv(rows: &[MonthlySummaryRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(SUMMARY_CSV_HEADER)?;
    for r in rows {
        let (muni, boat) = match &r.scope {
            SummaryScope::National => (String::new(), String::new()),
            SummaryScope::Municipality(m) => (m.clone(), String::new()),
            SummaryScope::BoatType(b) => (String::new(), b.key().to_string()),
        };
        write_safe_record(
            &mut w,
            [
                r.scope.kind().to_string(),
                muni,
                boat,
                r.month.to_string(),
                r.landings.to_string(),
                r.fishing_days.to_string(),
                format!("{:.2}", r.effort.value()),
                format!("{:.4}", r.catch.value()),
                format!("{:.6}", r.cpue.value()),
            ],
        )?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

pub(super) async fn summary_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
    q: web::Query<SummaryQuery>,
) -> HttpResponse {
    let (scope, _chrome, current) = ctx!(
        req,
        state,
        session,
        "summary",
        Permission::Export,
        with_user
    );
    let kind = match summary_kind(&q) {
        Ok(k) => k,
        Err(e) => {
            return HttpResponse::BadRequest()
                .content_type("text/plain; charset=utf-8")
                .body(e);
        }
    };
    let p = pages.clone();
    let s2 = scope.clone();
    let rows = block!(super::monthly_summary(&p, &s2, kind));
    let body = match summary_to_csv(&rows) {
        Ok(body) => body,
        Err(e) => return internal(&e),
    };
    audited_csv(
        &req,
        &state,
        (&scope, &current),
        Export {
            what: "landings/summary.csv",
            file: "landings-summary.csv",
            rows: rows.len(),
            details: vec![("scope", kind.unwrap_or("all").to_string())],
        },
        body,
    )
    .await
}
