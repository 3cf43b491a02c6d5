//! Read-side queries of the landings context over diesel. Every query filters by the
//! caller's access scope on the stored jurisdiction paths.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Date, Double, Int8, Text};
use uuid::Uuid;

use crate::adapters::persistence::landings::reads::{
    landing_detail, site_in_scope, summary_inputs_where,
};
use crate::adapters::persistence::landings::schema as l;
use crate::adapters::persistence::shared::{
    Binds, PgPool, PgPooled, ScopedRead, kept, kept_sql, scope_patterns, store_err,
};
use crate::application::landings::ports::{
    COUNT_CAP, FlagCount, ImportRecord, Keyset, LandingDetail, LandingFilter, LandingListItem,
    LandingQueries, ListPosition, MonthFigures, Page, SpeciesCatch,
};
use crate::application::shared::{RejectedRow, StoreError, TableCounts};
use crate::domain::landings::{
    BoatType, Cpue, FisherHours, MonthlySummaryRow, SummaryScope, summarise,
};
use crate::domain::shared::{AccessScope, JurisdictionPath, Kilograms, Period};

/// Landing queries over a pool.
pub struct DieselLandingQueries {
    pool: PgPool,
}

impl DieselLandingQueries {
    /// The monthly summary of the summarised landings `scope` may see.
    fn summary_of_part(
        &self,
        c: &mut PgPooled,
        scope: &AccessScope,
        kind: Option<&str>,
    ) -> Result<Vec<MonthlySummaryRow>, StoreError> {
        let inputs = summary_inputs_where(c, Some(scope))?;
        Ok(summarise(&inputs)
            .into_iter()
            .filter(|r| kind.is_none_or(|k| r.scope.kind() == k))
            .collect())
    }

    /// `municipality` when the scope may see it (else none), or every visible one.
    fn chosen_municipalities(
        &self,
        c: &mut PgPooled,
        scope: &AccessScope,
        municipality: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        let visible = self.visible_municipalities(c, scope)?;
        Ok(match municipality {
            Some(m) => visible.into_iter().filter(|v| v == m).collect(),
            None => visible,
        })
    }

    /// Queries on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselLandingQueries { pool }
    }

    /// A read-only transaction under `scope`: row-level security filters what it reads,
    /// behind the explicit scope filters of each query.
    fn scoped(&self, scope: &AccessScope) -> Result<ScopedRead, StoreError> {
        ScopedRead::open(&self.pool, scope)
    }
}

/// True when the scope covers a whole country (depth-1 path): national rows are visible.
fn sees_nation(scope: &AccessScope) -> bool {
    scope.paths().iter().any(|p| p.depth() == 1)
}

/// Municipality names visible to the scope: those whose path `Country/Name` it covers.
fn visible_municipality(scope: &AccessScope, country: &str, name: &str) -> bool {
    JurisdictionPath::root(country)
        .and_then(|c| c.child(name))
        .is_ok_and(|p| scope.covers(&p))
}

#[derive(QueryableByName)]
struct FigRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Date)]
    month: NaiveDate,
    #[diesel(sql_type = Int8)]
    landings: i64,
    #[diesel(sql_type = Int8)]
    fishing_days: i64,
    #[diesel(sql_type = Double)]
    effort: f64,
    #[diesel(sql_type = Double)]
    catch_kg: f64,
    #[diesel(sql_type = Double)]
    value_usd: f64,
}

impl FigRow {
    fn figures(&self) -> MonthFigures {
        MonthFigures {
            month: self.month,
            landings: self.landings,
            fishing_days: self.fishing_days,
            effort: self.effort,
            catch_kg: self.catch_kg,
            value_usd: self.value_usd,
        }
    }
}

/// The single country of the stored jurisdiction tree's municipalities, by name.
fn municipality_countries(c: &mut PgPooled) -> Result<HashMap<String, String>, StoreError> {
    #[derive(QueryableByName)]
    struct R {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        path: String,
    }
    let rows: Vec<R> = diesel::sql_query(
        "SELECT name, path FROM geography.v1_jurisdictions WHERE kind = 'municipality'",
    )
    .load(c)
    .map_err(store_err)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let country = r.path.split('/').next().unwrap_or_default().to_string();
            (r.name, country)
        })
        .collect())
}

impl DieselLandingQueries {
    /// The newest 200 imports, or the one with `id`.
    fn load_imports(
        &self,
        scope: &AccessScope,
        id: Option<Uuid>,
    ) -> Result<Vec<ImportRecord>, StoreError> {
        use l::imports as i;
        let mut c = self.scoped(scope)?;
        type Row = (
            Uuid,
            String,
            String,
            String,
            chrono::DateTime<chrono::Utc>,
            chrono::DateTime<chrono::Utc>,
            String,
            serde_json::Value,
            String,
        );
        let mut q = i::table.into_boxed::<Pg>();
        if let Some(id) = id {
            q = q.filter(i::id.eq(id));
        }
        let rows: Vec<Row> = q
            .order(i::started_at.desc())
            .limit(200)
            .select((
                i::id,
                i::source,
                i::location,
                i::rule_set,
                i::started_at,
                i::finished_at,
                i::started_by,
                i::counts,
                i::jurisdiction_path,
            ))
            .load(&mut *c)
            .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| ImportRecord {
                id: r.0,
                source: r.1,
                location: r.2,
                rule_set: r.3,
                started_at: r.4,
                finished_at: r.5,
                started_by: r.6,
                counts: serde_json::from_value::<Vec<TableCounts>>(r.7).unwrap_or_default(),
                jurisdiction: r.8,
            })
            .collect())
    }

    fn visible_municipalities(
        &self,
        c: &mut PgPooled,
        scope: &AccessScope,
    ) -> Result<Vec<String>, StoreError> {
        Ok(municipality_countries(c)?
            .into_iter()
            .filter(|(name, country)| visible_municipality(scope, country, name))
            .map(|(name, _)| name)
            .collect())
    }
}

impl LandingQueries for DieselLandingQueries {
    fn list_landings(
        &self,
        scope: &AccessScope,
        f: &LandingFilter,
        at: Keyset,
        per_page: i64,
    ) -> Result<Page<LandingListItem>, StoreError> {
        use l::surveyed_landings as s;
        let mut c = self.scoped(scope)?;
        let build = || {
            let mut q = s::table.filter(site_in_scope(scope)).into_boxed::<Pg>();
            if let Some(d) = f.from {
                q = q.filter(s::landing_date.ge(d));
            }
            if let Some(d) = f.to {
                q = q.filter(s::landing_date.le(d));
            }
            if let Some(m) = &f.municipality {
                q = q.filter(s::municipality.eq(m.clone()));
            }
            if let Some(site) = &f.site {
                q = q.filter(s::site_code.eq(site.clone()));
            }
            if let Some(g) = f.gear {
                q = q.filter(s::gear_code.eq(g));
            }
            if let Some(h) = f.habitat {
                q = q.filter(s::habitat_code.eq(h));
            }
            if let Some(b) = f.boat {
                q = q.filter(s::boat_code.eq(b));
            }
            if f.flagged_only {
                q = q.filter(s::error_count.gt(0).or(s::warning_count.gt(0)));
            }
            if f.unreviewed_only {
                q = q.filter(s::review_status.is_null());
            }
            if let Some(code) = &f.flag_code {
                q = q.filter(
                    s::id.eq_any(
                        l::quality_flags::table
                            .filter(l::quality_flags::code.eq(code.clone()))
                            .select(l::quality_flags::landing_id),
                    ),
                );
            }
            q
        };
        // Unfiltered, the list counts from the read model of landings per site; filtered,
        // it counts its rows up to one past the cap: a bounded cost however many match.
        let plain = f.from.is_none()
            && f.to.is_none()
            && f.municipality.is_none()
            && f.site.is_none()
            && f.gear.is_none()
            && f.habitat.is_none()
            && f.boat.is_none()
            && f.flag_code.is_none()
            && f.flagged_only == f.unreviewed_only;
        let counted = if plain {
            #[derive(QueryableByName)]
            struct Total {
                #[diesel(sql_type = Int8)]
                total: i64,
            }
            let (exact, prefixes) = scope_patterns(scope);
            let text = if f.flagged_only {
                "SELECT coalesce(sum(flagged_unreviewed), 0)::int8 AS total
                 FROM landings.site_counts WHERE site_path = ANY($1) OR site_path LIKE ANY($2)"
            } else {
                "SELECT coalesce(sum(landings), 0)::int8 AS total
                 FROM landings.site_counts WHERE site_path = ANY($1) OR site_path LIKE ANY($2)"
            };
            let t: Total = kept(text)
                .text_array(exact)
                .text_array(prefixes)
                .get_result(&mut *c)
                .map_err(store_err)?;
            Some(t.total)
        } else {
            None
        };
        let total = match counted {
            Some(t) => t,
            None => build()
                .select(kept_sql::<diesel::sql_types::Int4>("1"))
                .limit(COUNT_CAP + 1)
                .load::<i32>(&mut *c)
                .map_err(store_err)?
                .len() as i64,
        };
        // The list's order, as `surveyed_landings_list` indexes it: (list_date, source id,
        // id), where list_date is the landing date or the earliest date. A page after (or
        // before) a position is found from the index: the condition on list_date is an
        // index condition (leakproof, so row-level security lets it through), the rest
        // filters the few rows of that date. The planner misjudges how many rows the scope's
        // filter keeps (it guesses 0.05%) and would sort the whole table instead: sorting is
        // turned off for this read-only transaction, so it walks the index.
        diesel::sql_query("SET LOCAL enable_sort = off")
            .execute(&mut *c)
            .map_err(store_err)?;
        let earliest = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN);
        let key_of = |p: &ListPosition| p.date.unwrap_or(earliest);
        let mut q = build();
        let backwards = matches!(at, Keyset::Before(_));
        if let Keyset::After(p) | Keyset::Before(p) = at {
            // (list_date, source_id, id) after (or before) the position's.
            let (date, source, id) = (key_of(&p), p.source_id, p.id);
            q = if backwards {
                q.filter(
                    s::list_date.ge(date).and(
                        s::list_date
                            .gt(date)
                            .or(s::source_id.gt(source))
                            .or(s::source_id.eq(source).and(s::id.gt(id))),
                    ),
                )
            } else {
                q.filter(
                    s::list_date.le(date).and(
                        s::list_date
                            .lt(date)
                            .or(s::source_id.lt(source))
                            .or(s::source_id.eq(source).and(s::id.lt(id))),
                    ),
                )
            };
        }
        q = if backwards {
            q.order((s::list_date.asc(), s::source_id.asc(), s::id.asc()))
        } else {
            q.order((s::list_date.desc(), s::source_id.desc(), s::id.desc()))
        };
        type Row = (
            Uuid,
            i64,
            Option<NaiveDate>,
            String,
            Option<String>,
            Option<i16>,
            Option<i16>,
            Option<i16>,
            Option<f64>,
            f64,
            i32,
            i32,
            Option<String>,
        );
        let mut rows: Vec<Row> = q
            .limit(per_page + 1)
            .select((
                s::id,
                s::source_id,
                s::landing_date,
                s::site_path,
                s::municipality,
                s::boat_code,
                s::gear_code,
                s::habitat_code,
                s::effort_fisher_hours,
                s::catch_kg,
                s::error_count,
                s::warning_count,
                s::review_status,
            ))
            .load(&mut *c)
            .map_err(store_err)?;
        let more = rows.len() as i64 > per_page;
        rows.truncate(per_page.max(0) as usize);
        if backwards {
            rows.reverse();
        }
        let position = |r: &Row| ListPosition {
            date: r.2,
            source_id: r.1,
            id: r.0,
        };
        // Going forward, a page after a position has one before it; going backwards, the
        // page has one before it when more rows were found, and one after it always.
        let (next, previous) = match at {
            Keyset::First => (rows.last().filter(|_| more).map(position), None),
            Keyset::After(_) => (
                rows.last().filter(|_| more).map(position),
                rows.first().map(position),
            ),
            Keyset::Before(_) => (
                rows.last().map(position),
                rows.first().filter(|_| more).map(position),
            ),
        };
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| LandingListItem {
                    id: r.0,
                    source_id: r.1,
                    date: r.2,
                    site_path: r.3,
                    municipality: r.4,
                    boat_code: r.5,
                    gear_code: r.6,
                    habitat_code: r.7,
                    effort: r.8,
                    catch_kg: r.9,
                    errors: r.10,
                    warnings: r.11,
                    review_status: r.12,
                })
                .collect(),
            total,
            exact: counted.is_some(),
            next,
            previous,
        })
    }

    fn exists_anywhere(&self, what: &str, id: Uuid) -> Result<bool, StoreError> {
        // Row-level security hides other scopes' rows from this role; the migration's
        // SECURITY DEFINER function answers only whether the record exists.
        #[derive(QueryableByName)]
        struct E {
            #[diesel(sql_type = Bool)]
            e: bool,
        }
        let mut c = self.pool.get().map_err(store_err)?;
        let r: E = diesel::sql_query("SELECT landings.record_exists($1, $2) AS e")
            .bind::<Text, _>(what)
            .bind::<diesel::sql_types::Uuid, _>(id)
            .get_result(&mut *c)
            .map_err(store_err)?;
        Ok(r.e)
    }

    fn landing(&self, scope: &AccessScope, id: Uuid) -> Result<Option<LandingDetail>, StoreError> {
        let mut c = self.scoped(scope)?;
        landing_detail(&mut c, Some(scope), id)
    }

    fn monthly_summary(
        &self,
        scope: &AccessScope,
        kind: Option<&str>,
    ) -> Result<Vec<MonthlySummaryRow>, StoreError> {
        use l::monthly_summaries as m;
        let mut c = self.scoped(scope)?;
        if !sees_nation(scope) {
            // A partial scope: the summary of the landings it may see, computed by the same
            // rule (`summarise`), so its "national" rows are its own part alone.
            return self.summary_of_part(&mut c, scope, kind);
        }
        let visible = self.visible_municipalities(&mut c, scope)?;
        type Row = (
            String,
            Option<String>,
            Option<String>,
            NaiveDate,
            i32,
            i32,
            f64,
            f64,
            f64,
            f64,
        );
        let mut q = m::table.into_boxed::<Pg>();
        if let Some(k) = kind {
            q = q.filter(m::scope.eq(k.to_string()));
        }
        let rows: Vec<Row> = q
            .select((
                m::scope,
                m::municipality,
                m::boat_type,
                m::month,
                m::landings,
                m::fishing_days,
                m::effort_fisher_hours,
                m::catch_kg,
                m::cpue,
                m::value_usd,
            ))
            .load(&mut *c)
            .map_err(store_err)?;
        let mut out: Vec<MonthlySummaryRow> = rows
            .into_iter()
            .filter_map(|r| {
                let scope_value = match (r.0.as_str(), r.1, r.2) {
                    ("national", _, _) => SummaryScope::National,
                    ("municipality", Some(name), _) if visible.contains(&name) => {
                        SummaryScope::Municipality(name)
                    }
                    ("boat_type", _, Some(b)) => SummaryScope::BoatType(BoatType::from_key(&b)?),
                    _ => return None,
                };
                let effort = FisherHours::new(r.6).ok()?;
                let catch = Kilograms::new(r.7).ok()?;
                Some(MonthlySummaryRow {
                    scope: scope_value,
                    month: Period::of(r.3),
                    landings: r.4 as u32,
                    fishing_days: r.5 as u32,
                    cpue: Cpue::of_totals(catch, effort),
                    effort,
                    catch,
                    value_usd: r.9,
                })
            })
            .collect();
        out.sort_by(|a, b| (&a.scope, a.month).cmp(&(&b.scope, b.month)));
        Ok(out)
    }

    fn month_figures(
        &self,
        scope: &AccessScope,
        municipality: Option<&str>,
    ) -> Result<Vec<MonthFigures>, StoreError> {
        let mut c = self.scoped(scope)?;
        let names = self.chosen_municipalities(&mut c, scope, municipality)?;
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<FigRow> = diesel::sql_query(
            "SELECT '' AS name, month, sum(landings)::int8 AS landings,
                    sum(fishing_days)::int8 AS fishing_days,
                    sum(effort_fisher_hours) AS effort, sum(catch_kg) AS catch_kg,
                    sum(value_usd) AS value_usd
             FROM landings.monthly_summaries
             WHERE scope = 'municipality' AND municipality = ANY($1)
             GROUP BY month ORDER BY month",
        )
        .bind::<diesel::sql_types::Array<Text>, _>(&names)
        .load(&mut *c)
        .map_err(store_err)?;
        // Fishing days of several municipalities are not additive: take them from the
        // national rows when the whole nation is shown.
        let national_days: HashMap<NaiveDate, i64> = if municipality.is_none() && sees_nation(scope)
        {
            l::monthly_summaries::table
                .filter(l::monthly_summaries::scope.eq("national"))
                .select((
                    l::monthly_summaries::month,
                    l::monthly_summaries::fishing_days,
                ))
                .load::<(NaiveDate, i32)>(&mut *c)
                .map_err(store_err)?
                .into_iter()
                .map(|(m, d)| (m, d.into()))
                .collect()
        } else {
            HashMap::new()
        };
        Ok(rows
            .iter()
            .map(|r| {
                let mut f = r.figures();
                if let Some(d) = national_days.get(&r.month) {
                    f.fishing_days = *d;
                }
                f
            })
            .collect())
    }

    fn municipality_figures(
        &self,
        scope: &AccessScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, MonthFigures)>, StoreError> {
        let mut c = self.scoped(scope)?;
        let visible = self.visible_municipalities(&mut c, scope)?;
        let rows: Vec<FigRow> = diesel::sql_query(
            "SELECT municipality AS name, min(month) AS month, sum(landings)::int8 AS landings,
                    sum(fishing_days)::int8 AS fishing_days,
                    sum(effort_fisher_hours) AS effort, sum(catch_kg) AS catch_kg,
                    sum(value_usd) AS value_usd
             FROM landings.monthly_summaries
             WHERE scope = 'municipality' AND municipality = ANY($1)
               AND month BETWEEN $2 AND $3
             GROUP BY municipality ORDER BY municipality",
        )
        .bind::<diesel::sql_types::Array<Text>, _>(&visible)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows.iter().map(|r| (r.name.clone(), r.figures())).collect())
    }

    fn species_catch(
        &self,
        scope: &AccessScope,
        municipality: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<SpeciesCatch>, StoreError> {
        let mut c = self.scoped(scope)?;
        let names = self.chosen_municipalities(&mut c, scope, municipality)?;
        if names.is_empty() {
            return Ok(Vec::new());
        }
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = diesel::sql_types::Int4)]
            code: i32,
            #[diesel(sql_type = Text)]
            name: String,
            #[diesel(sql_type = Double)]
            catch_kg: f64,
        }
        let rows: Vec<R> = diesel::sql_query(
            "SELECT m.species_code AS code,
                    coalesce(nullif(sp.common_name, ''), nullif(sp.tetum_name, ''), 'Species ' || m.species_code) AS name,
                    sum(m.catch_kg) AS catch_kg
             FROM landings.monthly_species_catch m
             LEFT JOIN landings.species sp ON sp.code = m.species_code
             WHERE m.municipality = ANY($1) AND m.month BETWEEN $2 AND $3 AND m.species_code <> 0
             GROUP BY 1, 2 HAVING sum(m.catch_kg) > 0 ORDER BY 3 DESC",
        )
        .bind::<diesel::sql_types::Array<Text>, _>(&names)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| SpeciesCatch {
                code: r.code,
                name: r.name,
                catch_kg: r.catch_kg,
            })
            .collect())
    }

    fn flag_counts(&self, scope: &AccessScope) -> Result<Vec<FlagCount>, StoreError> {
        let mut c = self.scoped(scope)?;
        let (exact, prefixes) = scope_patterns(scope);
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Text)]
            code: String,
            #[diesel(sql_type = Text)]
            severity: String,
            #[diesel(sql_type = Int8)]
            landings: i64,
        }
        let rows: Vec<R> = kept(
            "SELECT code, severity, sum(landings)::int8 AS landings
             FROM landings.flag_counts
             WHERE (site_path = ANY($1) OR site_path LIKE ANY($2))
             GROUP BY 1, 2 ORDER BY 3 DESC, 1",
        )
        .text_array(exact)
        .text_array(prefixes)
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| FlagCount {
                code: r.code,
                severity: r.severity,
                landings: r.landings,
            })
            .collect())
    }

    fn read_models_version(&self) -> Result<i64, StoreError> {
        #[derive(QueryableByName)]
        struct V {
            #[diesel(sql_type = Int8)]
            version: i64,
        }
        let mut c = self.pool.get().map_err(store_err)?;
        let v: V = kept("SELECT version FROM landings.read_models_version")
            .get_result(&mut c)
            .map_err(store_err)?;
        Ok(v.version)
    }

    fn imports(&self, scope: &AccessScope) -> Result<Vec<ImportRecord>, StoreError> {
        Ok(self
            .load_imports(scope, None)?
            .into_iter()
            .filter(|i| scope.covers_str(&i.jurisdiction))
            .collect())
    }

    fn import(&self, scope: &AccessScope, id: Uuid) -> Result<Option<ImportRecord>, StoreError> {
        Ok(self
            .load_imports(scope, Some(id))?
            .into_iter()
            .find(|i| scope.covers_str(&i.jurisdiction)))
    }

    fn rejected_rows(
        &self,
        scope: &AccessScope,
        import_id: Uuid,
        limit: i64,
    ) -> Result<Vec<RejectedRow>, StoreError> {
        use l::rejected_rows as r;
        let mut c = self.scoped(scope)?;
        let rows: Vec<(String, i64, Option<String>, String, String)> = r::table
            .filter(r::import_id.eq(import_id))
            .order((r::file, r::line))
            .limit(limit)
            .select((r::file, r::line, r::column_name, r::reason, r::raw))
            .load(&mut *c)
            .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|x| RejectedRow {
                file: x.0,
                line: x.1 as u64,
                column: x.2,
                reason: x.3,
                raw: x.4,
            })
            .collect())
    }

    fn sites(&self, scope: &AccessScope) -> Result<Vec<(String, String)>, StoreError> {
        let mut c = self.scoped(scope)?;
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Text)]
            code: String,
            #[diesel(sql_type = Text)]
            path: String,
        }
        let rows: Vec<R> = diesel::sql_query(
            "SELECT coalesce(source_code, name) AS code, path FROM geography.v1_jurisdictions
             WHERE kind = 'landing_site' ORDER BY path",
        )
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .filter(|r| scope.covers_str(&r.path))
            .map(|r| (r.code, r.path))
            .collect())
    }
}

/// True when the landings stored are the synthetic demo set (every page then says so).
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn holds_synthetic_data(pool: &PgPool) -> Result<bool, StoreError> {
    #[derive(QueryableByName)]
    struct E {
        #[diesel(sql_type = Bool)]
        e: bool,
    }
    let mut c = pool.get().map_err(store_err)?;
    let r: E = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM landings.surveyed_landings WHERE source = 'synthetic') AS e",
    )
    .get_result(&mut c)
    .map_err(store_err)?;
    Ok(r.e)
}
