//! Pages of the landings context: dashboard, landings list and detail, reviews, monthly
//! summary (HTML and CSV), flags and imports.

mod dashboard;
mod imports;
mod list;
mod queue;
mod review;
mod summary;
pub mod views;

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::adapters::http::shared::caller::CurrentUser;
use crate::adapters::http::shared::page::unseen_record;
use crate::adapters::http::shared::prepared::Prepared;
use crate::adapters::http::shared::routes::{Endpoint, NavEntry};
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::views::Choice;
use crate::application::geography::ports::GeographyQueries;
use crate::application::landings::ports::LandingQueries;
use crate::application::shared::StoreError;
use crate::domain::access::Permission;
use crate::domain::landings::MonthlySummaryRow;
use crate::domain::shared::AccessScope;

pub use summary::summary_to_csv;

/// What the landings pages reach beside the [`AppState`]: the landings context's queries,
/// and geography's (the municipalities of a scope, their boundaries).
pub struct LandingsPages {
    /// Landing queries (the application role's pool, under the caller's scope).
    pub queries: Arc<dyn LandingQueries>,
    /// Geography's published municipalities.
    pub geography: Arc<dyn GeographyQueries>,
    /// Dashboards prepared for the current version of the read models.
    pub dashboards: dashboard::DashboardCache,
    /// The lists' filter choices of a scope, for the current version of the read models.
    pub choices: Prepared<Vec<String>, ListChoices>,
    /// The monthly summary of a scope (and kind: national, municipality, boat type, all),
    /// for the current version of the read models.
    pub summaries: Prepared<(Vec<String>, Option<&'static str>), Vec<MonthlySummaryRow>>,
}

impl LandingsPages {
    /// Forgets the read models' version every prepared page was built for: after a change
    /// made in this process (a review), the next page reads it again.
    pub fn forget_versions(&self) {
        self.dashboards.forget_version();
        self.choices.forget_version();
        self.summaries.forget_version();
    }
}

/// The current version of the landings' read models as `cache` last read it (at most a
/// second ago), or read now.
fn version_for<K: Eq + std::hash::Hash, V>(
    pages: &LandingsPages,
    cache: &Prepared<K, V>,
) -> Result<i64, StoreError> {
    match cache.recent_version() {
        Some(v) => Ok(v),
        None => {
            let v = pages.queries.read_models_version()?;
            cache.saw_version(v);
            Ok(v)
        }
    }
}

/// The scope's paths, sorted: the part of a prepared page's key that names the scope.
fn scope_key(scope: &AccessScope) -> Vec<String> {
    let mut key: Vec<String> = scope.paths().iter().map(|p| p.to_string()).collect();
    key.sort();
    key
}

/// The monthly summary of `scope` (of one kind, or all), prepared once per version of the
/// landings' read models.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub(crate) fn monthly_summary(
    pages: &LandingsPages,
    scope: &AccessScope,
    kind: Option<&'static str>,
) -> Result<Arc<Vec<MonthlySummaryRow>>, StoreError> {
    let version = version_for(pages, &pages.summaries)?;
    let key = (scope_key(scope), kind);
    if let Some(rows) = pages.summaries.get(version, &key) {
        return Ok(rows);
    }
    let rows = Arc::new(pages.queries.monthly_summary(scope, kind)?);
    pages.summaries.put(version, key, rows.clone());
    Ok(rows)
}

/// What the list pages offer to filter by in a scope: its municipalities, its landing
/// sites (code, path) and the rules that flag landings in it. They change with an import
/// (which rebuilds the read models), so they are prepared once per version.
#[derive(Debug, Clone, Default)]
pub struct ListChoices {
    /// Municipality names.
    pub municipalities: Vec<String>,
    /// Landing sites: (code, path).
    pub sites: Vec<(String, String)>,
    /// Rule codes flagging landings.
    pub rules: Vec<String>,
}

/// Choices whose values are their labels (`names`), `selected` marked.
pub(crate) fn named_choices(names: &[String], selected: &Option<String>) -> Vec<Choice> {
    choices(
        names.iter().map(|n| (n.clone(), n.clone())).collect(),
        selected,
    )
}

/// The filter choices of `scope`, prepared once per version of the landings' read models.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub(crate) fn list_choices(
    pages: &LandingsPages,
    scope: &AccessScope,
) -> Result<Arc<ListChoices>, StoreError> {
    let version = version_for(pages, &pages.choices)?;
    let key = scope_key(scope);
    if let Some(c) = pages.choices.get(version, &key) {
        return Ok(c);
    }
    let mut rules: Vec<String> = pages
        .queries
        .flag_counts(scope)?
        .into_iter()
        .map(|r| r.code)
        .collect();
    rules.sort();
    rules.dedup();
    let choices = Arc::new(ListChoices {
        municipalities: pages.geography.municipality_names(scope)?,
        sites: pages.queries.sites(scope)?,
        rules,
    });
    pages.choices.put(version, key, choices.clone());
    Ok(choices)
}

/// The routes of the landings pages.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::get("/", dashboard::dashboard_page),
        Endpoint::get("/landings", list::list_page),
        Endpoint::get("/landings/summary", summary::summary_page),
        Endpoint::get("/landings/summary.csv", summary::summary_csv),
        Endpoint::get("/landings/{id}", list::landing_page),
        Endpoint::post("/landings/{id}/review", review::review_post),
        Endpoint::get("/reviews", review::review_queue),
        Endpoint::get("/reviews/next", review::next_in_queue),
        Endpoint::get("/flags", imports::flags_page),
        Endpoint::get("/imports", imports::imports_page),
        Endpoint::get("/imports/{id}", imports::import_page),
    ]
}

/// The navigation entries of the landings pages.
pub fn navigation() -> Vec<NavEntry> {
    [
        (10, "dashboard", "Dashboard", "/", Permission::View),
        (20, "landings", "Landings", "/landings", Permission::View),
        (
            30,
            "summary",
            "Monthly summary",
            "/landings/summary",
            Permission::View,
        ),
        (40, "flags", "Quality flags", "/flags", Permission::View),
        (50, "reviews", "Reviews", "/reviews", Permission::Review),
        (70, "imports", "Imports", "/imports", Permission::Import),
    ]
    .into_iter()
    .map(|(order, key, label, href, needs)| NavEntry {
        order,
        key,
        label,
        href,
        needs,
    })
    .collect()
}

/// The 404 for a record the caller may not see ([`unseen_record`]: answered at once, the
/// attempt audited afterwards when the record exists outside their scope).
pub(crate) async fn out_of_scope(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    pages: &web::Data<LandingsPages>,
    current: &CurrentUser,
    what: &'static str,
    id: Uuid,
) -> HttpResponse {
    let queries = pages.queries.clone();
    unseen_record(req, state, current, (what, id.to_string()), move || {
        queries.exists_anywhere(what, id)
    })
}

/// The trimmed text of a form or query field; `None` when empty.
pub(crate) fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The options of a select, `selected` marked.
pub(crate) fn choices(all: Vec<(String, String)>, selected: &Option<String>) -> Vec<Choice> {
    all.into_iter()
        .map(|(value, label)| Choice {
            selected: selected.as_deref() == Some(value.as_str()),
            value,
            label,
        })
        .collect()
}

/// A date filter value: `YYYY-MM-DD`; anything else is ignored.
pub(crate) fn date(s: &Option<String>) -> Option<NaiveDate> {
    nonempty(s).and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
}
