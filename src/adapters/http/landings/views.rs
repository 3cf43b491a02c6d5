//! View structs of the landings pages, one per page (askama templates under
//! `templates/landings/`).

use askama::Template;
use askama_web::WebTemplate;

use crate::adapters::http::shared::views::{Choice, Chrome, int};
use crate::application::landings::ports::{COUNT_CAP, Keyset, ListPosition, Page};

/// A headline figure of the dashboard.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Label.
    pub label: &'static str,
    /// Value, formatted.
    pub value: String,
    /// Unit.
    pub unit: &'static str,
}

/// A row of the dashboard's municipality table.
#[derive(Debug, Clone)]
pub struct MunicipalityRow {
    /// Name.
    pub name: String,
    /// Landings.
    pub landings: String,
    /// Catch, tonnes.
    pub catch_t: String,
    /// Value, USD.
    pub value: String,
    /// CPUE.
    pub cpue: String,
}

/// The dashboard.
#[derive(Template, WebTemplate)]
#[template(path = "landings/dashboard.html")]
pub struct DashboardPage {
    /// Layout.
    pub chrome: Chrome,
    /// Everything but the layout (the same for every caller of one scope).
    pub body: std::sync::Arc<DashboardBody>,
}

/// What the dashboard shows of one scope and municipality.
#[derive(Debug, Clone)]
pub struct DashboardBody {
    /// Municipalities to choose from.
    pub municipalities: Vec<String>,
    /// The chosen one, empty for national.
    pub selected: String,
    /// What the caller's whole scope is called (`Timor-Leste`, `Atauro`).
    pub whole_scope: String,
    /// The caller's whole scope, or the municipality chosen.
    pub scope_label: String,
    /// The window, e.g. `2019-09 to 2020-08`; empty when no data.
    pub window: String,
    /// Headline figures.
    pub figures: Vec<Figure>,
    /// SVG of the monthly chart (built and escaped by `svg`).
    pub chart_svg: String,
    /// SVG of species composition.
    pub species_svg: String,
    /// SVG of the map.
    pub map_svg: String,
    /// Rows of the municipality table.
    pub rows: Vec<MunicipalityRow>,
}

/// A row of the landings list.
#[derive(Debug, Clone)]
pub struct LandingRow {
    /// The landing page's address (from the review queue: with the queue's filter).
    pub href: String,
    /// Source id.
    pub source_id: i64,
    /// Date.
    pub date: String,
    /// Site path.
    pub site: String,
    /// Boat type.
    pub boat: String,
    /// Gear.
    pub gear: String,
    /// Habitat.
    pub habitat: String,
    /// Fisher-hours.
    pub effort: String,
    /// Catch kg.
    pub catch_kg: String,
    /// Flags summary (`2 errors`, `1 warning`, or empty).
    pub flags: String,
    /// Has errors.
    pub excluded: bool,
}

/// How many items a list holds and where its neighbouring pages start.
#[derive(Debug, Clone)]
pub struct PageNav {
    /// `27,681`, or `more than 10,000` past the count's cap.
    pub total: String,
    /// The `after` parameter of the next page.
    pub next: Option<String>,
    /// The `before` parameter of the previous page (absent on the first).
    pub previous: Option<String>,
}

impl PageNav {
    /// The navigation of `page`.
    pub fn of<T>(page: &Page<T>) -> Self {
        PageNav {
            total: if page.total_is_exact() {
                int(page.total)
            } else {
                format!("more than {}", int(COUNT_CAP))
            },
            next: page.next.map(|p| p.to_param()),
            previous: page.previous.map(|p| p.to_param()),
        }
    }
}

/// The page of a list that `after` or `before` (URL parameters) ask for; the first page
/// when neither reads as a position.
pub fn keyset(after: &Option<String>, before: &Option<String>) -> Keyset {
    let read = |v: &Option<String>| v.as_deref().and_then(ListPosition::parse);
    match (read(after), read(before)) {
        (Some(p), _) => Keyset::After(p),
        (None, Some(p)) => Keyset::Before(p),
        (None, None) => Keyset::First,
    }
}

/// The landings list.
#[derive(Template, WebTemplate)]
#[template(path = "landings/list.html")]
pub struct LandingsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<LandingRow>,
    /// Matching landings, and the links to the neighbouring pages.
    pub nav: PageNav,
    /// Query string of the filter without the page's position, for pagination links.
    pub query: String,
    /// Filter values.
    pub from: String,
    /// Filter values.
    pub to: String,
    /// Municipality choices.
    pub municipalities: Vec<Choice>,
    /// Site choices.
    pub sites: Vec<Choice>,
    /// Gear choices.
    pub gears: Vec<Choice>,
    /// Habitat choices.
    pub habitats: Vec<Choice>,
    /// Boat choices.
    pub boats: Vec<Choice>,
    /// Only flagged.
    pub flagged: bool,
    /// A rule code filter, shown when set.
    pub flag_code: String,
}

/// A name/value line of the landing page.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name.
    pub name: &'static str,
    /// Value as reported.
    pub value: String,
}

/// A catch line on the landing page.
#[derive(Debug, Clone)]
pub struct CatchLineRow {
    /// Line number.
    pub no: usize,
    /// Species.
    pub species: String,
    /// Length cm.
    pub length: String,
    /// Count.
    pub count: String,
    /// Weight kg.
    pub weight_kg: String,
    /// Use.
    pub catch_use: String,
    /// Source flag.
    pub flag: String,
}

/// A flag on the landing page.
#[derive(Debug, Clone)]
pub struct FlagRow {
    /// Rule code.
    pub code: String,
    /// Severity.
    pub severity: String,
    /// Reason.
    pub reason: String,
    /// Values, `name = value`.
    pub values: String,
}

/// A review in a landing's history.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    /// When, UTC.
    pub at: String,
    /// Who.
    pub reviewer: String,
    /// Decision.
    pub decision: String,
    /// Why.
    pub reason: String,
    /// Corrections, `field: reported → corrected`.
    pub changes: Vec<String>,
}

/// What a reviewer typed in the review form, shown again when the review is refused.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    /// `accept`, `correct` or `reject`, or empty.
    pub decision: String,
    /// The reason typed.
    pub reason: String,
    /// The corrected date (`YYYY-MM-DD`), or empty.
    pub date: String,
    /// The corrected habitat code, or empty.
    pub habitat: Option<String>,
    /// The corrected gear code, or empty.
    pub gear: Option<String>,
    /// The corrected boat code, or empty.
    pub boat: Option<String>,
    /// The corrected hours at sea, or empty.
    pub hours_at_sea: String,
    /// The corrected fisher-hours, or empty.
    pub fisher_hours: String,
    /// The corrected catch value (USD), or empty.
    pub catch_value_usd: String,
    /// The review queue the landing was opened from (its filter as a query string, empty
    /// for the whole queue; `None` when not opened from the queue): after a decision the
    /// next landing of that queue opens.
    pub queue: Option<String>,
}

/// One landing.
#[derive(Template, WebTemplate)]
#[template(path = "landings/detail.html")]
pub struct LandingPage {
    /// Layout.
    pub chrome: Chrome,
    /// tasi's id (for the review form).
    pub id: String,
    /// Its position in the lists' order (for "next in queue").
    pub position: String,
    /// The id of the tracked trip matched to it, empty when none.
    pub matched_trip: String,
    /// The latest decision, empty when not reviewed.
    pub review_status: String,
    /// The review history, oldest first.
    pub reviews: Vec<ReviewRow>,
    /// The caller may review this landing.
    pub can_review: bool,
    /// Why the last review was refused, when it was.
    pub review_error: Option<String>,
    /// What the reviewer typed, when the review was refused.
    pub input: ReviewInput,
    /// Habitat choices for corrections.
    pub habitats: Vec<Choice>,
    /// Gear choices for corrections.
    pub gears: Vec<Choice>,
    /// Boat choices for corrections.
    pub boats: Vec<Choice>,
    /// Source id.
    pub source_id: i64,
    /// Reported fields.
    pub fields: Vec<Field>,
    /// Values as the rule set uses them.
    pub assessed: Vec<Field>,
    /// Catch lines.
    pub lines: Vec<CatchLineRow>,
    /// Flags.
    pub flags: Vec<FlagRow>,
    /// In summaries.
    pub counted: bool,
    /// Rule set.
    pub rule_set: String,
    /// Import id.
    pub import_id: String,
    /// The import as the page names it (`the peskaas import of 2026-11-21 10:00 UTC by
    /// cli`), empty when the caller may not open it.
    pub import_label: String,
}

/// The queue of flagged landings awaiting review.
#[derive(Template, WebTemplate)]
#[template(path = "landings/reviews.html")]
pub struct ReviewQueuePage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<LandingRow>,
    /// Waiting in all, and the links to the neighbouring pages.
    pub nav: PageNav,
    /// The queue's filter as a query string (for the page links and the landings' links).
    pub query: String,
    /// The rule chosen, empty for all.
    pub rule: String,
    /// Rules to choose from (those flagging landings in the caller's scope).
    pub rules: Vec<Choice>,
    /// Municipalities to choose from.
    pub municipalities: Vec<Choice>,
    /// The month chosen (`YYYY-MM`), empty for all.
    pub month: String,
    /// True when the reviewer just finished the queue (`done=1`).
    pub done: bool,
}

/// A row of the summary table.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    /// Scope label.
    pub scope: String,
    /// Month.
    pub month: String,
    /// Landings.
    pub landings: String,
    /// Fishing days.
    pub days: String,
    /// Effort.
    pub effort: String,
    /// Catch kg.
    pub catch_kg: String,
    /// CPUE.
    pub cpue: String,
}

/// The monthly summary.
#[derive(Template, WebTemplate)]
#[template(path = "landings/summary.html")]
pub struct SummaryPage {
    /// Layout.
    pub chrome: Chrome,
    /// Scope kind choices.
    pub kinds: Vec<Choice>,
    /// The chosen kind.
    pub kind: String,
    /// Rows.
    pub rows: Vec<SummaryRow>,
}

/// A rule on the flags page.
#[derive(Debug, Clone)]
pub struct RuleRow {
    /// Code.
    pub code: String,
    /// Severity.
    pub severity: String,
    /// Landings.
    pub landings: String,
}

/// Flags by rule.
#[derive(Template, WebTemplate)]
#[template(path = "landings/flags.html")]
pub struct FlagsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rules.
    pub rules: Vec<RuleRow>,
}

/// An import in the list.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Id.
    pub id: String,
    /// When.
    pub started: String,
    /// Who.
    pub by: String,
    /// Source and location.
    pub source: String,
    /// Per-table counts, e.g. `trips.csv: 27,681 read, …`.
    pub tables: Vec<String>,
    /// Rejected rows in all.
    pub rejected: u64,
}

/// Past imports.
#[derive(Template, WebTemplate)]
#[template(path = "landings/imports.html")]
pub struct ImportsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Imports.
    pub imports: Vec<ImportRow>,
}

/// A rejected row.
#[derive(Debug, Clone)]
pub struct RejectedRowView {
    /// File.
    pub file: String,
    /// Line.
    pub line: u64,
    /// Column.
    pub column: String,
    /// Reason.
    pub reason: String,
    /// Raw.
    pub raw: String,
}

/// One import with its rejected rows.
#[derive(Template, WebTemplate)]
#[template(path = "landings/import.html")]
pub struct ImportPage {
    /// Layout.
    pub chrome: Chrome,
    /// The import.
    pub import: ImportRow,
    /// Its rejected rows.
    pub rows: Vec<RejectedRowView>,
    /// More rows exist than shown.
    pub truncated: bool,
}
