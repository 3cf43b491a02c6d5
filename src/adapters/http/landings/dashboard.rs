//! The dashboard of a scope (national, or one municipality): the 12 months up to the
//! latest data; landings, catch, value, CPUE; the monthly chart, species composition, the
//! municipalities' table and map.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::LandingsPages;
use super::views::*;
use crate::adapters::http::shared::errors::not_found_page;
use crate::adapters::http::shared::page::render;
use crate::adapters::http::shared::prepared::Prepared;
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::svg;
use crate::adapters::http::shared::views::{int, num};
use crate::application::landings::dashboard::{Dashboard, dashboard};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Deserialize)]
pub(super) struct DashboardQuery {
    municipality: Option<String>,
}

/// Dashboards prepared per scope and municipality for one version of the landings' read
/// models (`landings.read_models_version`, moved by every rebuild after an import or a
/// review): until the next rebuild a dashboard is served without reading the summaries or
/// drawing the chart and the map again.
pub type DashboardCache = Prepared<DashboardKey, DashboardBody>;

/// The caller's scope (its paths) and the municipality chosen.
pub type DashboardKey = (Vec<String>, Option<String>);

pub(super) async fn dashboard_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
    q: web::Query<DashboardQuery>,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "dashboard");
    let muni = q.municipality.clone().filter(|m| !m.is_empty());
    let queries = pages.queries.clone();
    let version = match pages.dashboards.recent_version() {
        Some(v) => v,
        None => {
            let v = block!(queries.read_models_version());
            pages.dashboards.saw_version(v);
            v
        }
    };
    let mut paths: Vec<String> = scope.paths().iter().map(|p| p.to_string()).collect();
    paths.sort();
    let key = (paths, muni.clone());
    let body = match pages.dashboards.get(version, &key) {
        Some(body) => body,
        None => {
            let (queries, geography) = (pages.queries.clone(), pages.geography.clone());
            let (m, s) = (muni.clone(), scope.clone());
            let d = block!(dashboard(
                queries.as_ref(),
                geography.as_ref(),
                &s,
                m.as_deref()
            ));
            let Some(body) = prepare(&d, muni, scope.label()) else {
                return not_found_page();
            };
            let body = Arc::new(body);
            pages.dashboards.put(version, key, body.clone());
            body
        }
    };
    render(&DashboardPage { chrome, body })
}

/// What the dashboard shows of `d`; `None` when `muni` is not a municipality of the scope.
fn prepare(d: &Dashboard, muni: Option<String>, whole_scope: String) -> Option<DashboardBody> {
    let municipalities: Vec<String> = d.shapes.iter().map(|s| s.name.clone()).collect();
    if muni.as_ref().is_some_and(|m| !municipalities.contains(m)) {
        return None;
    }
    let t = &d.totals;
    let figures = vec![
        Figure {
            label: "Landings surveyed",
            value: int(t.landings),
            unit: "",
        },
        Figure {
            label: "Surveyed catch",
            value: num(t.catch_kg / 1000.0, 1),
            unit: "t",
        },
        Figure {
            label: "Surveyed value",
            value: num(t.value_usd, 0),
            unit: "USD",
        },
        Figure {
            label: "CPUE",
            value: num(t.cpue, 3),
            unit: "kg per fisher-hour",
        },
    ];
    let months: Vec<(String, f64, f64)> = d
        .months
        .iter()
        .map(|(p, f)| {
            let cpue = if f.effort > 0.0 {
                f.catch_kg / f.effort
            } else {
                0.0
            };
            (p.to_string(), f.catch_kg, cpue)
        })
        .collect();
    let by_name: HashMap<&str, f64> = d
        .municipalities
        .iter()
        .map(|m| (m.name.as_str(), m.totals.catch_kg))
        .collect();
    let shapes: Vec<_> = d
        .shapes
        .iter()
        .filter(|s| !s.polygons.is_empty())
        .map(|s| {
            let v = by_name.get(s.name.as_str()).copied();
            let label = match v {
                Some(kg) => format!("{} t", num(kg / 1000.0, 1)),
                None => "no surveyed landings".into(),
            };
            (s.name.clone(), s.polygons.clone(), v, label)
        })
        .collect();
    let species: Vec<(String, f64)> = d
        .species
        .iter()
        .map(|s| (s.name.clone(), s.catch_kg))
        .collect();
    // The table follows the chosen scope: one municipality chosen, its row alone.
    let rows = d
        .municipalities
        .iter()
        .filter(|m| muni.as_ref().is_none_or(|chosen| *chosen == m.name))
        .map(|m| MunicipalityRow {
            name: m.name.clone(),
            landings: int(m.totals.landings),
            catch_t: num(m.totals.catch_kg / 1000.0, 2),
            value: num(m.totals.value_usd, 0),
            cpue: num(m.totals.cpue, 3),
        })
        .collect();
    Some(DashboardBody {
        municipalities,
        selected: muni.clone().unwrap_or_default(),
        scope_label: muni.unwrap_or_else(|| whole_scope.clone()),
        whole_scope,
        window: d
            .window
            .map(|(a, b)| format!("{a} to {b}"))
            .unwrap_or_default(),
        figures,
        chart_svg: if months.is_empty() {
            String::new()
        } else {
            svg::monthly_chart(&months)
        },
        species_svg: if species.is_empty() {
            String::new()
        } else {
            svg::species_bars(&species)
        },
        map_svg: svg::choropleth(&shapes, &|kg| format!("{} t", num(kg / 1000.0, 1))),
        rows,
    })
}
