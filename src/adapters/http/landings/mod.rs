//! Pages of the landings context: dashboard, landings list and detail, monthly summary
//! (HTML and CSV), flags and imports.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::adapters::http::AppState;
use crate::adapters::http::shared::errors::{internal, not_found_page, page};
use crate::adapters::http::shared::svg;
use crate::adapters::http::shared::views::*;
use crate::adapters::security::csrf;
use crate::adapters::security::guard::CurrentUser;
use crate::application::landings::dashboard::dashboard;
use crate::application::landings::ports::{
    ImportRecord, LandingDetail, LandingFilter, LandingListItem,
};
use crate::application::landings::review_landing::{ReviewLandingError, review_landing};
use crate::application::shared::{AuditEntry, Caller};
use crate::domain::access::Permission;
use crate::domain::landings::{
    BoatType, Corrections, Decision, Gear, Habitat, MonthlySummaryRow, Review, SummaryScope,
};
use crate::domain::shared::AccessScope;

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(dashboard_page))
        .route("/landings", web::get().to(list_page))
        .route("/landings/summary", web::get().to(summary_page))
        .route("/landings/summary.csv", web::get().to(summary_csv))
        .route("/landings/{id}", web::get().to(landing_page))
        .route("/landings/{id}/review", web::post().to(review_post))
        .route("/reviews", web::get().to(review_queue))
        .route("/flags", web::get().to(flags_page))
        .route("/imports", web::get().to(imports_page))
        .route("/imports/{id}", web::get().to(import_page));
}

/// The caller, the scope in which they may act with `permission`, and the layout. A caller
/// without that permission anywhere gets 403, and the refusal is audited.
pub(crate) async fn context(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &Session,
    active: &'static str,
    permission: Permission,
) -> Result<(AccessScope, Chrome, CurrentUser), HttpResponse> {
    let current = req.extensions().get::<CurrentUser>().cloned();
    let Some(current) = current else {
        return Err(page(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "Log in first",
            "Your session has ended.",
        ));
    };
    if !current.grants.any(permission) {
        state
            .audit(
                AuditEntry::new("authorisation.denied")
                    .by(current.user.email.as_str())
                    .from(client_addr(req))
                    .with("path", req.path())
                    .with("needs", format!("{permission:?}")),
            )
            .await;
        return Err(page(
            actix_web::http::StatusCode::FORBIDDEN,
            "Not allowed",
            "Your role does not allow this. Ask an administrator if you need it.",
        ));
    }
    Ok((
        current.grants.scope(permission),
        Chrome {
            user: Some(current.user.email.to_string()),
            csrf: csrf::token(session),
            synthetic: state.synthetic,
            active,
        },
        current,
    ))
}

/// The 404 for a record the caller may not see; when it exists outside their scope, the
/// refused attempt is recorded as `authorisation.denied` (the answer stays 404).
async fn out_of_scope(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    current: &CurrentUser,
    what: &'static str,
    id: Uuid,
) -> HttpResponse {
    let queries = state.landings.clone();
    let exists = web::block(move || queries.exists_anywhere(what, id)).await;
    if let Ok(Ok(true)) = exists {
        state
            .audit(
                AuditEntry::new("authorisation.denied")
                    .by(current.user.email.as_str())
                    .from(client_addr(req))
                    .with("path", req.path())
                    .with(what, id),
            )
            .await;
    }
    not_found_page()
}

/// The client's address as the server saw it (no proxy header is trusted).
pub fn client_addr(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

pub(crate) fn render(t: &impl Template) -> HttpResponse {
    match t.render() {
        Ok(html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => internal(&e),
    }
}

#[derive(Deserialize)]
struct DashboardQuery {
    municipality: Option<String>,
}

async fn dashboard_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<DashboardQuery>,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "dashboard");
    let muni = q.municipality.clone().filter(|m| !m.is_empty());
    let queries = state.landings.clone();
    let m = muni.clone();
    let d = block!(dashboard(queries.as_ref(), &scope, m.as_deref()));
    let municipalities: Vec<String> = d.shapes.iter().map(|s| s.name.clone()).collect();
    if muni.as_ref().is_some_and(|m| !municipalities.contains(m)) {
        return not_found_page();
    }
    let t = &d.totals;
    let figures = vec![
        Figure {
            label: "Landings surveyed",
            value: int(t.landings),
            unit: "",
        },
        Figure {
            label: "Catch",
            value: num(t.catch_kg / 1000.0, 1),
            unit: "t",
        },
        Figure {
            label: "Value",
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
    let rows = d
        .municipalities
        .iter()
        .map(|m| MunicipalityRow {
            name: m.name.clone(),
            landings: int(m.totals.landings),
            catch_t: num(m.totals.catch_kg / 1000.0, 2),
            value: num(m.totals.value_usd, 0),
            cpue: num(m.totals.cpue, 3),
        })
        .collect();
    render(&DashboardPage {
        chrome,
        municipalities,
        selected: muni.clone().unwrap_or_default(),
        scope_label: muni.unwrap_or_else(|| "National".into()),
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
        map_svg: svg::choropleth(&shapes),
        rows,
    })
}

#[derive(Deserialize, Default)]
struct ListQuery {
    from: Option<String>,
    to: Option<String>,
    municipality: Option<String>,
    site: Option<String>,
    gear: Option<String>,
    habitat: Option<String>,
    boat: Option<String>,
    flagged: Option<String>,
    flag: Option<String>,
    page: Option<String>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn choices(all: Vec<(String, String)>, selected: &Option<String>) -> Vec<Choice> {
    all.into_iter()
        .map(|(value, label)| Choice {
            selected: selected.as_deref() == Some(value.as_str()),
            value,
            label,
        })
        .collect()
}

/// A date filter value: `YYYY-MM-DD`; anything else is ignored.
fn date(s: &Option<String>) -> Option<NaiveDate> {
    nonempty(s).and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
}

async fn list_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<ListQuery>,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "landings");
    let q = q.into_inner();
    let filter = LandingFilter {
        from: date(&q.from),
        to: date(&q.to),
        municipality: nonempty(&q.municipality),
        site: nonempty(&q.site),
        gear: nonempty(&q.gear).and_then(|v| v.parse().ok()),
        habitat: nonempty(&q.habitat).and_then(|v| v.parse().ok()),
        boat: nonempty(&q.boat).and_then(|v| v.parse().ok()),
        flagged_only: q.flagged.as_deref() == Some("1") || q.flagged.as_deref() == Some("on"),
        flag_code: nonempty(&q.flag),
        unreviewed_only: false,
    };
    let page_no: i64 = nonempty(&q.page)
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let queries = state.landings.clone();
    let (f, s) = (filter.clone(), scope.clone());
    let (page, shapes, sites) =
        block!(queries.list_landings(&s, &f, page_no, 50).and_then(|p| Ok((
            p,
            queries.municipalities(&s)?,
            queries.sites(&s)?
        ))));
    let rows = page.items.iter().map(landing_row).collect();
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for (k, v) in [
        ("from", &q.from),
        ("to", &q.to),
        ("municipality", &q.municipality),
        ("site", &q.site),
        ("gear", &q.gear),
        ("habitat", &q.habitat),
        ("boat", &q.boat),
        ("flagged", &q.flagged),
        ("flag", &q.flag),
    ] {
        if let Some(v) = nonempty(v) {
            pairs.push((k, v));
        }
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    render(&LandingsPage {
        chrome,
        total: int(page.total),
        page: page.page,
        pages: page.pages(),
        query,
        rows,
        from: nonempty(&q.from).unwrap_or_default(),
        to: nonempty(&q.to).unwrap_or_default(),
        municipalities: choices(
            shapes
                .into_iter()
                .map(|s| (s.name.clone(), s.name))
                .collect(),
            &q.municipality,
        ),
        sites: choices(sites, &q.site),
        gears: choices(
            Gear::ALL
                .iter()
                .map(|g| (g.code().to_string(), g.to_string()))
                .collect(),
            &q.gear,
        ),
        habitats: choices(
            Habitat::ALL
                .iter()
                .map(|h| (h.code().to_string(), h.to_string()))
                .collect(),
            &q.habitat,
        ),
        boats: choices(
            BoatType::ALL
                .iter()
                .map(|b| (b.code().to_string(), b.to_string()))
                .collect(),
            &q.boat,
        ),
        flagged: filter.flagged_only,
        flag_code: filter.flag_code.unwrap_or_default(),
    })
}

/// A line of a landings list.
fn landing_row(l: &LandingListItem) -> LandingRow {
    LandingRow {
        id: l.id.to_string(),
        source_id: l.source_id,
        date: opt(l.date),
        site: l.site_path.clone(),
        boat: l
            .boat_code
            .and_then(|c| BoatType::from_code(c.into()).ok())
            .map(|b| b.to_string())
            .unwrap_or_else(|| opt(l.boat_code)),
        gear: l
            .gear_code
            .and_then(|c| Gear::from_code(c.into()).ok())
            .map(|g| g.to_string())
            .unwrap_or_else(|| opt(l.gear_code)),
        habitat: l
            .habitat_code
            .and_then(|c| Habitat::from_code(c.into()).ok())
            .map(|h| h.to_string())
            .unwrap_or_else(|| opt(l.habitat_code)),
        effort: l.effort.map(|e| num(e, 1)).unwrap_or_else(|| "–".into()),
        catch_kg: num(l.catch_kg, 2),
        flags: match (l.errors, l.warnings) {
            (0, 0) => String::new(),
            (e, 0) => format!("{e} error{}", if e == 1 { "" } else { "s" }),
            (0, w) => format!("{w} warning{}", if w == 1 { "" } else { "s" }),
            (e, w) => format!(
                "{e} error{}, {w} warning{}",
                if e == 1 { "" } else { "s" },
                if w == 1 { "" } else { "s" }
            ),
        },
        excluded: l.errors > 0,
    }
}

async fn landing_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
) -> HttpResponse {
    let (scope, chrome, current) =
        match context(&req, &state, &session, "landings", Permission::View).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found_page();
    };
    let queries = state.landings.clone();
    let Some(d) = block!(queries.landing(&scope, id)) else {
        return out_of_scope(&req, &state, &current, "landing", id).await;
    };
    render(&landing_view(d, chrome, &current, None))
}

/// The landing page of `d` for `current`, with a review error to show when there is one.
fn landing_view(
    d: LandingDetail,
    chrome: Chrome,
    current: &CurrentUser,
    review_error: Option<String>,
) -> LandingPage {
    let l = &d.landing;
    let code_name = |c: Option<i16>, f: &dyn Fn(i64) -> Option<String>| match c {
        Some(c) => f(c.into())
            .map(|n| format!("{n} ({c})"))
            .unwrap_or_else(|| format!("unknown code {c}")),
        None => "–".into(),
    };
    let fields = vec![
        Field {
            name: "Trip id (source)",
            value: l.source_id.to_string(),
        },
        Field {
            name: "Date",
            value: opt(l.date),
        },
        Field {
            name: "Landing site",
            value: l.site.path.to_string(),
        },
        Field {
            name: "Municipality",
            value: l
                .site
                .municipality
                .clone()
                .unwrap_or_else(|| "unknown".into()),
        },
        Field {
            name: "Boat type",
            value: code_name(l.boat_code, &|c| {
                BoatType::from_code(c).ok().map(|b| b.to_string())
            }),
        },
        Field {
            name: "Gear",
            value: code_name(l.gear_code, &|c| {
                Gear::from_code(c).ok().map(|g| g.to_string())
            }),
        },
        Field {
            name: "Habitat",
            value: code_name(l.habitat_code, &|c| {
                Habitat::from_code(c).ok().map(|h| h.to_string())
            }),
        },
        Field {
            name: "Mesh (inches)",
            value: opt(l.mesh_inches),
        },
        Field {
            name: "Hours at sea",
            value: opt(l.hours_at_sea),
        },
        Field {
            name: "Fishers (men / women / children)",
            value: format!(
                "{} / {} / {}",
                opt(l.fishers.men),
                opt(l.fishers.women),
                opt(l.fishers.children)
            ),
        },
        Field {
            name: "Fishers in all",
            value: opt(l.fishers.total),
        },
        Field {
            name: "Fisher-hours",
            value: opt(l.fisher_hours),
        },
        Field {
            name: "Catch value (USD)",
            value: opt(l.catch_value_usd),
        },
        Field {
            name: "Tracker",
            value: format!(
                "{} {}",
                l.has_tracker
                    .map(|t| if t { "yes" } else { "no" })
                    .unwrap_or("–"),
                l.imei.clone().unwrap_or_default()
            ),
        },
        Field {
            name: "Boats landing that day",
            value: opt(l.boats_landing),
        },
        Field {
            name: "Source flag",
            value: opt(l.source_flag),
        },
        Field {
            name: "Note",
            value: l.note.clone().unwrap_or_default(),
        },
    ];
    let a = &d.assessment;
    let assessed = vec![
        Field {
            name: "Hours at sea used",
            value: a
                .hours_at_sea
                .map(|h| num(h, 1))
                .unwrap_or_else(|| "–".into()),
        },
        Field {
            name: "Fisher-hours used",
            value: a
                .effort
                .map(|e| num(e.value(), 1))
                .unwrap_or_else(|| "–".into()),
        },
        Field {
            name: "Habitat in summaries",
            value: opt(a.summary_habitat_code),
        },
        Field {
            name: "Catch (kg)",
            value: num(a.catch.value(), 3),
        },
        Field {
            name: "Value in value totals (USD)",
            value: a
                .value
                .map(|v| num(v.value(), 2))
                .unwrap_or_else(|| "–".into()),
        },
    ];
    let lines = l
        .catch_lines
        .iter()
        .enumerate()
        .map(|(i, c)| CatchLineRow {
            no: i + 1,
            species: match c.species_code {
                Some(code) => match d.species_names.get(&code) {
                    Some(n) => format!("{n} ({code})"),
                    None => format!("unknown species {code}"),
                },
                None => "–".into(),
            },
            length: opt(c.length_cm),
            count: opt(c.count),
            weight_kg: c
                .weight_g
                .map(|g| num(g / 1000.0, 3))
                .unwrap_or_else(|| "–".into()),
            catch_use: c
                .catch_use
                .map(|u| u.key().to_string())
                .unwrap_or_else(|| "–".into()),
            flag: opt(c.source_flag),
        })
        .collect();
    let flags = a
        .flags
        .iter()
        .map(|f| FlagRow {
            code: f.code.clone(),
            severity: f.severity.to_string(),
            reason: f.reason.clone(),
            values: f
                .values
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let can_review = current
        .grants
        .scope(Permission::Review)
        .covers(&l.site.path);
    let codes = |all: Vec<(String, String)>| choices(all, &None);
    LandingPage {
        chrome,
        id: l.id.0.to_string(),
        source_id: l.source_id,
        fields,
        assessed,
        lines,
        flags,
        counted: d.counts_in_summaries,
        rule_set: a.rule_set.clone(),
        import_id: d.import_id.to_string(),
        review_status: d.review_status.clone().unwrap_or_default(),
        reviews: d
            .reviews
            .iter()
            .map(|r| ReviewRow {
                at: r.decided_at.format("%Y-%m-%d %H:%M").to_string(),
                reviewer: r.reviewer.clone(),
                decision: r.decision.clone(),
                reason: r.reason.clone(),
                changes: r
                    .changes
                    .iter()
                    .map(|(f, old, new)| format!("{f}: {old} → {new}"))
                    .collect(),
            })
            .collect(),
        can_review,
        review_error,
        habitats: codes(
            Habitat::ALL
                .iter()
                .map(|h| (h.code().to_string(), h.to_string()))
                .collect(),
        ),
        gears: codes(
            Gear::ALL
                .iter()
                .map(|g| (g.code().to_string(), g.to_string()))
                .collect(),
        ),
        boats: codes(
            BoatType::ALL
                .iter()
                .map(|b| (b.code().to_string(), b.to_string()))
                .collect(),
        ),
    }
}

/// The review form's fields; empty correction fields leave values as reported.
#[derive(Deserialize)]
struct ReviewForm {
    decision: String,
    reason: String,
    date: Option<String>,
    habitat: Option<String>,
    gear: Option<String>,
    boat: Option<String>,
    hours_at_sea: Option<String>,
    fisher_hours: Option<String>,
    catch_value_usd: Option<String>,
}

/// A correction field: empty is `None`; text that is not a value of `T` is an error naming
/// the field.
fn field<T: std::str::FromStr>(v: &Option<String>, name: &str) -> Result<Option<T>, String> {
    match nonempty(v) {
        None => Ok(None),
        Some(t) => t
            .parse::<T>()
            .map(Some)
            .map_err(|_| format!("`{t}` is not a valid {name}")),
    }
}

fn decision_of(f: &ReviewForm) -> Result<Decision, String> {
    match f.decision.as_str() {
        "accept" => Ok(Decision::Accept),
        "reject" => Ok(Decision::Reject),
        "correct" => Ok(Decision::Correct(Corrections {
            date: field(&f.date, "date")?,
            habitat_code: field(&f.habitat, "habitat code")?,
            gear_code: field(&f.gear, "gear code")?,
            boat_code: field(&f.boat, "boat code")?,
            hours_at_sea: field(&f.hours_at_sea, "number of hours")?,
            fisher_hours: field(&f.fisher_hours, "number of fisher-hours")?,
            catch_value_usd: field(&f.catch_value_usd, "amount")?,
        })),
        other => Err(format!(
            "`{other}` is not a decision (accept, correct, reject)"
        )),
    }
}

async fn review_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
    form: web::Form<ReviewForm>,
) -> HttpResponse {
    let (scope, chrome, current) =
        match context(&req, &state, &session, "landings", Permission::Review).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found_page();
    };
    let now = state.clock.now();
    let review = decision_of(&form).and_then(|d| {
        Review::new(d, &form.reason, current.user.email.as_str(), now).map_err(|e| e.to_string())
    });
    let review = match review {
        Ok(r) => r,
        Err(message) => {
            // Show the landing again with the reason the review was refused.
            let (queries, s2) = (state.landings.clone(), scope.clone());
            let Some(d) = block!(queries.landing(&s2, id)) else {
                return not_found_page();
            };
            return match landing_view(d, chrome, &current, Some(message)).render() {
                Ok(html) => HttpResponse::BadRequest()
                    .content_type("text/html; charset=utf-8")
                    .body(html),
                Err(e) => internal(&e),
            };
        }
    };
    let (queries, uow) = (state.landings.clone(), state.uow.clone());
    let caller = Caller::user(current.user.id, current.user.email.as_str(), scope.clone())
        .from_addr(client_addr(&req));
    let (s2, r2) = (scope.clone(), review.clone());
    let today = now.date_naive();
    let outcome = web::block(move || {
        review_landing(uow.as_ref(), queries.as_ref(), &caller, &s2, id, &r2, today)
    })
    .await;
    match outcome {
        Ok(Ok(_)) => {
            // The summaries show the review's effect on the reviewer's next page.
            state.deliver_events().await;
            HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, format!("/landings/{id}")))
                .finish()
        }
        Ok(Err(ReviewLandingError::NotFound)) => {
            out_of_scope(&req, &state, &current, "landing", id).await
        }
        Ok(Err(e)) => internal(&e),
        Err(e) => internal(&e),
    }
}

#[derive(Deserialize)]
struct QueueQuery {
    page: Option<String>,
}

async fn review_queue(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<QueueQuery>,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "reviews", Permission::Review);
    let page_no: i64 = nonempty(&q.page)
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let filter = LandingFilter {
        flagged_only: true,
        unreviewed_only: true,
        ..LandingFilter::default()
    };
    let queries = state.landings.clone();
    let page = block!(queries.list_landings(&scope, &filter, page_no, 50));
    render(&ReviewQueuePage {
        chrome,
        total: int(page.total),
        page: page.page,
        pages: page.pages(),
        rows: page.items.iter().map(landing_row).collect(),
    })
}

#[derive(Deserialize)]
struct SummaryQuery {
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

async fn summary_page(
    req: HttpRequest,
    state: web::Data<AppState>,
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
    let queries = state.landings.clone();
    let rows = block!(queries.monthly_summary(&scope, Some(kind)));
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

/// Writes summary rows as CSV with [`SUMMARY_CSV_HEADER`]. Effort in fisher-hours to 0.01,
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
        w.write_record([
            r.scope.kind().to_string(),
            muni,
            boat,
            r.month.to_string(),
            r.landings.to_string(),
            r.fishing_days.to_string(),
            format!("{:.2}", r.effort.value()),
            format!("{:.4}", r.catch.value()),
            format!("{:.6}", r.cpue.value()),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

async fn summary_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<SummaryQuery>,
) -> HttpResponse {
    let (scope, _chrome, current) =
        match context(&req, &state, &session, "summary", Permission::Export).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let kind = match summary_kind(&q) {
        Ok(k) => k,
        Err(e) => {
            return HttpResponse::BadRequest()
                .content_type("text/plain; charset=utf-8")
                .body(e);
        }
    };
    let queries = state.landings.clone();
    let s2 = scope.clone();
    let rows = block!(queries.monthly_summary(&s2, kind));
    let body = match summary_to_csv(&rows) {
        Ok(body) => body,
        Err(e) => return internal(&e),
    };
    let scope_text: Vec<String> = scope.paths().iter().map(|p| p.to_string()).collect();
    let recorded = state
        .audit(
            AuditEntry::new("export")
                .by(current.user.email.as_str())
                .from(client_addr(&req))
                .at(&scope_text.join(", "))
                .with("what", "landings/summary.csv")
                .with("scope", kind.unwrap_or("all"))
                .with("rows", rows.len()),
        )
        .await;
    if !recorded {
        return internal(&"the export could not be recorded in the audit log");
    }
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"landings-summary.csv\"",
        ))
        .body(body)
}

async fn flags_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "flags");
    let queries = state.landings.clone();
    let rules = block!(queries.flag_counts(&scope));
    render(&FlagsPage {
        chrome,
        rules: rules
            .into_iter()
            .map(|r| RuleRow {
                code: r.code,
                severity: r.severity,
                landings: int(r.landings),
            })
            .collect(),
    })
}

fn import_row(r: &ImportRecord) -> ImportRow {
    ImportRow {
        id: r.id.to_string(),
        started: r.started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        by: r.started_by.clone(),
        source: format!("{} ({})", r.source, r.location),
        tables: r
            .counts
            .iter()
            .map(|t| {
                format!(
                    "{}: {} read, {} imported, {} unchanged, {} rejected",
                    t.table,
                    int(t.read as i64),
                    int(t.imported as i64),
                    int(t.unchanged as i64),
                    int(t.rejected as i64)
                )
            })
            .collect(),
        rejected: r.counts.iter().map(|t| t.rejected).sum(),
    }
}

async fn imports_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "imports", Permission::Import);
    let queries = state.landings.clone();
    let imports = block!(queries.imports(&scope));
    render(&ImportsPage {
        chrome,
        imports: imports.iter().map(import_row).collect(),
    })
}

/// Rejected rows shown on one import's page.
const REJECTED_SHOWN: i64 = 1000;

async fn import_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<String>,
) -> HttpResponse {
    let (scope, chrome, current) =
        match context(&req, &state, &session, "imports", Permission::Import).await {
            Ok(v) => v,
            Err(r) => return r,
        };
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found_page();
    };
    let queries = state.landings.clone();
    let found = block!(queries.import(&scope, id).and_then(|i| match i {
        Some(i) => Ok(Some((
            i,
            queries.rejected_rows(&scope, id, REJECTED_SHOWN + 1)?
        ))),
        None => Ok(None),
    }));
    let Some((import, rows)) = found else {
        return out_of_scope(&req, &state, &current, "import", id).await;
    };
    let truncated = rows.len() as i64 > REJECTED_SHOWN;
    render(&ImportPage {
        chrome,
        import: import_row(&import),
        truncated,
        rows: rows
            .into_iter()
            .take(REJECTED_SHOWN as usize)
            .map(|r| RejectedRowView {
                file: r.file,
                line: r.line,
                column: r.column.unwrap_or_default(),
                reason: r.reason,
                raw: r.raw,
            })
            .collect(),
    })
}
