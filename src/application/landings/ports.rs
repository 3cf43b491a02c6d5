//! Ports of the landings use cases: what they need from storage, named by intent.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::application::shared::{RejectedRow, StoreError, TableCounts, Transaction};
use crate::domain::landings::{
    Assessment, MonthlySummaryRow, Review, Species, SummaryInput, SurveyedLanding,
};
use crate::domain::shared::AccessScope;

/// A landing read from a source, with a fingerprint of its source rows: a re-import of an
/// unchanged landing is recognised by an equal fingerprint.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLanding {
    /// The landing as reported.
    pub landing: SurveyedLanding,
    /// Fingerprint of the source rows it came from (hex).
    pub fingerprint: String,
}

/// A landing with the rule set's assessment, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessedLanding<'a> {
    /// The landing as reported.
    pub landing: &'a SurveyedLanding,
    /// Fingerprint of its source rows.
    pub fingerprint: &'a str,
    /// What the rule set made of it.
    pub assessment: Assessment,
}

/// The record of one import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    /// The import's id.
    pub id: Uuid,
    /// The source format (`peskaas`).
    pub source: String,
    /// Where it was read from (a directory).
    pub location: String,
    /// The rule set applied.
    pub rule_set: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
    /// Who ran it (a user's e-mail, or `cli`).
    pub started_by: String,
    /// The jurisdiction it covers (a PeskAAS import: its country).
    pub jurisdiction: String,
    /// Counts per source table.
    pub counts: Vec<TableCounts>,
}

/// The writes of an import of landings, inside its unit of work.
pub trait LandingImports {
    /// Inserts or updates species by code; returns (written, unchanged).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn upsert_species(&mut self, species: &[Species]) -> Result<(u64, u64), StoreError>;

    /// The fingerprints of the stored landings of `source`, by source id.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn landing_fingerprints(&mut self, source: &str) -> Result<HashMap<i64, String>, StoreError>;

    /// Stores the import's record (before its landings, which refer to it).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn record_import(&mut self, record: &ImportRecord) -> Result<(), StoreError>;

    /// Removes the stored landings of `source` with these source ids, whole (with their
    /// catch lines and flags): the landings an import is about to write anew.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn remove_landings(&mut self, source: &str, source_ids: &[i64]) -> Result<(), StoreError>;

    /// Writes `landings` of `source` with their catch lines and flags (none of them stored).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn insert_landings(
        &mut self,
        source: &str,
        import_id: Uuid,
        landings: &[AssessedLanding<'_>],
    ) -> Result<(), StoreError>;

    /// Stores the rejected rows of the import.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn record_rejections(
        &mut self,
        import_id: Uuid,
        rows: &[RejectedRow],
    ) -> Result<(), StoreError>;
}

/// A filter of the landings list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LandingFilter {
    /// First date, inclusive.
    pub from: Option<NaiveDate>,
    /// Last date, inclusive.
    pub to: Option<NaiveDate>,
    /// Municipality name.
    pub municipality: Option<String>,
    /// Landing-site code.
    pub site: Option<String>,
    /// Gear code.
    pub gear: Option<i16>,
    /// Habitat code (as reported).
    pub habitat: Option<i16>,
    /// Boat code.
    pub boat: Option<i16>,
    /// Only landings with at least one flag.
    pub flagged_only: bool,
    /// Only landings with a flag of this rule code.
    pub flag_code: Option<String>,
    /// Only landings no one has reviewed yet.
    pub unreviewed_only: bool,
}

/// One line of the landings list.
#[derive(Debug, Clone, PartialEq)]
pub struct LandingListItem {
    /// tasi's id.
    pub id: Uuid,
    /// Source id (PeskAAS trip id).
    pub source_id: i64,
    /// Landing date.
    pub date: Option<NaiveDate>,
    /// Site path.
    pub site_path: String,
    /// Municipality name.
    pub municipality: Option<String>,
    /// Boat code.
    pub boat_code: Option<i16>,
    /// Gear code.
    pub gear_code: Option<i16>,
    /// Habitat code.
    pub habitat_code: Option<i16>,
    /// Repaired fisher-hours.
    pub effort: Option<f64>,
    /// Catch in kg.
    pub catch_kg: f64,
    /// Errors raised.
    pub errors: i32,
    /// Warnings raised.
    pub warnings: i32,
    /// The latest review's decision.
    pub review_status: Option<String>,
}

/// Where a landings list stands: the last (or first) landing of a page in the list's order
/// (newest landing date first, landings without a date last, then source id and id,
/// descending). Pages are found from it by keyset pagination: the database reads from an
/// index what follows it, whatever the page's depth, never counting past rows (`OFFSET`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPosition {
    /// The landing's date; `None` sorts after every date.
    pub date: Option<NaiveDate>,
    /// Its id in its source.
    pub source_id: i64,
    /// Its id.
    pub id: Uuid,
}

impl ListPosition {
    /// As a URL parameter: `2020-05-03_12345_<uuid>` (`-` for no date).
    pub fn to_param(&self) -> String {
        let date = self.date.map_or_else(|| "-".to_string(), |d| d.to_string());
        format!("{date}_{}_{}", self.source_id, self.id)
    }

    /// Reads [`ListPosition::to_param`]'s form; `None` for anything else.
    pub fn parse(param: &str) -> Option<Self> {
        let mut parts = param.splitn(3, '_');
        let date = match parts.next()? {
            "-" => None,
            d => Some(d.parse().ok()?),
        };
        Some(ListPosition {
            date,
            source_id: parts.next()?.parse().ok()?,
            id: parts.next()?.parse().ok()?,
        })
    }
}

/// Which page of a list: the first, the one after a position, or the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keyset {
    /// The first page.
    #[default]
    First,
    /// The page that follows this position.
    After(ListPosition),
    /// The page that precedes this position.
    Before(ListPosition),
}

/// The largest number a list counts exactly; beyond it a list says "more than".
pub const COUNT_CAP: i64 = 10_000;

/// One page of a list, with its neighbours' positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of the page.
    pub items: Vec<T>,
    /// Items matching in all: exact for an unfiltered list (from a read model), counted up
    /// to [`COUNT_CAP`] + 1 for a filtered one (the cost of a count stays bounded at any
    /// size of data).
    pub total: i64,
    /// Where the next page starts after, when there is one.
    pub next: Option<ListPosition>,
    /// Where the previous page ends before, when this is not the first page.
    pub previous: Option<ListPosition>,
    /// True when [`Page::total`] came from a read model (exact at any size).
    pub exact: bool,
}

impl<T> Page<T> {
    /// True when [`Page::total`] is exact: counted by a read model, or at most
    /// [`COUNT_CAP`].
    pub fn total_is_exact(&self) -> bool {
        self.exact || self.total <= COUNT_CAP
    }
}

/// How a landing's page names the import that wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportLabel {
    /// The source (`peskaas`, `synthetic`, …).
    pub source: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Who started it.
    pub started_by: String,
}

/// A stored landing with everything the landing page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct LandingDetail {
    /// The landing as reported.
    pub landing: SurveyedLanding,
    /// Stored assessment: flags and repaired values.
    pub assessment: Assessment,
    /// Is it in the summaries.
    pub counts_in_summaries: bool,
    /// The import that last wrote it.
    pub import_id: Uuid,
    /// That import's source, start and author, when the caller may open it (an import of a
    /// wider jurisdiction, such as the national PeskAAS import for an Atauro officer, is not
    /// theirs to open).
    pub import: Option<ImportLabel>,
    /// The tracked trip matched to it (spatial catch's published matches), if any.
    pub matched_trip: Option<Uuid>,
    /// The latest review's decision, `None` when not reviewed.
    pub review_status: Option<String>,
    /// Every review of the landing, oldest first.
    pub reviews: Vec<ReviewRecord>,
    /// Species names by code, for the catch lines: `English · Tetum`, or the one known.
    pub species_names: HashMap<i32, String>,
}

/// A row of the rule table on the flags page.
#[derive(Debug, Clone, PartialEq)]
pub struct FlagCount {
    /// Rule code.
    pub code: String,
    /// Severity key.
    pub severity: String,
    /// Landings flagged.
    pub landings: i64,
}

/// Monthly figures for a dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthFigures {
    /// First day of the month.
    pub month: NaiveDate,
    /// Landings.
    pub landings: i64,
    /// Fishing days.
    pub fishing_days: i64,
    /// Σ fisher-hours.
    pub effort: f64,
    /// Σ catch, kg.
    pub catch_kg: f64,
    /// Σ value, USD.
    pub value_usd: f64,
}

/// Catch of one species.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeciesCatch {
    /// Species code.
    pub code: i32,
    /// English name.
    pub name: String,
    /// Catch, kg.
    pub catch_kg: f64,
}

/// Read-side queries of the landings context; every one takes the caller's scope.
pub trait LandingQueries: Send + Sync {
    /// The page `at` of the landings matching `filter`, `per_page` of them, newest first
    /// ([`ListPosition`]'s order).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn list_landings(
        &self,
        scope: &AccessScope,
        filter: &LandingFilter,
        at: Keyset,
        per_page: i64,
    ) -> Result<Page<LandingListItem>, StoreError>;

    /// True when a landing (`what` = `landing`) or an import (`import`) with this id exists
    /// anywhere, whatever the caller's scope: only to record a refused out-of-scope request
    /// in the audit log. It never reveals the record.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn exists_anywhere(&self, what: &str, id: Uuid) -> Result<bool, StoreError>;

    /// One landing, `None` when it does not exist or is outside `scope`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn landing(&self, scope: &AccessScope, id: Uuid) -> Result<Option<LandingDetail>, StoreError>;

    /// Stored monthly summary rows of `kind` (`national`, `municipality`, `boat_type`, or all
    /// when `None`) that `scope` may see.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn monthly_summary(
        &self,
        scope: &AccessScope,
        kind: Option<&str>,
    ) -> Result<Vec<MonthlySummaryRow>, StoreError>;

    /// Monthly figures of the municipalities `municipalities` (all visible when `None`).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn month_figures(
        &self,
        scope: &AccessScope,
        municipality: Option<&str>,
    ) -> Result<Vec<MonthFigures>, StoreError>;

    /// Figures per municipality between two months (inclusive), each `(name, figures)`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn municipality_figures(
        &self,
        scope: &AccessScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, MonthFigures)>, StoreError>;

    /// Catch by species between two months (inclusive), largest first.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn species_catch(
        &self,
        scope: &AccessScope,
        municipality: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<SpeciesCatch>, StoreError>;

    /// Landings flagged per rule.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn flag_counts(&self, scope: &AccessScope) -> Result<Vec<FlagCount>, StoreError>;

    /// The version of the read models (summaries, catch by species, flag counts): it moves
    /// on with every rebuild, so what was prepared from one version can be reused until then.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn read_models_version(&self) -> Result<i64, StoreError>;

    /// Past imports that `scope` covers, newest first.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn imports(&self, scope: &AccessScope) -> Result<Vec<ImportRecord>, StoreError>;

    /// One import, `None` when there is none with that id or `scope` does not cover it.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn import(&self, scope: &AccessScope, id: Uuid) -> Result<Option<ImportRecord>, StoreError>;

    /// The rejected rows of one import that `scope` may see (at most `limit`).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn rejected_rows(
        &self,
        scope: &AccessScope,
        import_id: Uuid,
        limit: i64,
    ) -> Result<Vec<RejectedRow>, StoreError>;

    /// Distinct landing sites `(code, path)` the scope may see.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn sites(&self, scope: &AccessScope) -> Result<Vec<(String, String)>, StoreError>;
}

/// A review as stored, for a landing's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRecord {
    /// When (UTC).
    pub decided_at: DateTime<Utc>,
    /// Who.
    pub reviewer: String,
    /// `accept`, `correct` or `reject`.
    pub decision: String,
    /// Why.
    pub reason: String,
    /// Corrected fields: (field, reported, corrected).
    pub changes: Vec<(String, String, String)>,
}

/// The writes of a review, inside its unit of work (under the reviewer's scope).
pub trait LandingReviews {
    /// Locks the landing against concurrent reviews; false when it no longer exists (or is
    /// outside the transaction's scope).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn lock_landing(&mut self, id: Uuid) -> Result<bool, StoreError>;

    /// The landing `id` as reported (its catch lines with it), when it exists within the
    /// transaction's scope.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails or the landing does not read back.
    fn reported(&mut self, id: Uuid) -> Result<Option<SurveyedLanding>, StoreError>;

    /// Records `review` of `landing` and its effect together: appends the review event
    /// (append-only: reviewer, decision, reason, corrections and the field `changes`, under
    /// `rule_set`) and stores what summaries use after it (the `assessment`, whether the
    /// landing `counts`, the decision; the flags are replaced by the assessment's, marked
    /// reviewed). The PostgreSQL adapter does both in one `SECURITY DEFINER` function, the
    /// only write the application role has on landings.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails or refuses (the landing is outside the
    /// transaction's scope).
    fn record_review(
        &mut self,
        landing: &SurveyedLanding,
        review: &Review,
        changes: &[(&'static str, String, String)],
        rule_set: &str,
        assessment: &Assessment,
        counts: bool,
    ) -> Result<(), StoreError>;
}

/// The read models of the landings context (monthly summaries, catch by species), rebuilt
/// by its projector with the system's rights: a national figure sums landings of every
/// jurisdiction.
pub trait SummaryProjection {
    /// Waits until no other rebuild runs (the second waits, then reads what both saw).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn lock(&mut self) -> Result<(), StoreError>;

    /// The stored landings that count in summaries, of every jurisdiction.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn summary_inputs(&mut self) -> Result<Vec<SummaryInput>, StoreError>;

    /// Replaces the read models with `rows` (and rebuilds the catch by species).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn replace_read_models(&mut self, rows: &[MonthlySummaryRow]) -> Result<(), StoreError>;
}

/// The transaction of the landings use cases: hands out the ports they write through.
pub trait LandingsTx: Transaction {
    /// The writes of an import.
    fn imports(&mut self) -> &mut dyn LandingImports;
    /// The writes of a review.
    fn reviews(&mut self) -> &mut dyn LandingReviews;
    /// The read models.
    fn summaries(&mut self) -> &mut dyn SummaryProjection;
}
