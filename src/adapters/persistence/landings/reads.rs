//! Reads of the landings schema that both the query adapter and the unit of work's ports
//! make: one landing with everything its page shows, the landings the summary sums, and
//! the scope filter on landing sites.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use uuid::Uuid;

use crate::adapters::persistence::landings::schema as l;
use crate::adapters::persistence::shared::{
    Binds, kept_sql, scope_patterns, store_err, unreadable,
};
use crate::application::landings::ports::{ImportLabel, LandingDetail, ReviewRecord};
use crate::application::shared::StoreError;
use crate::domain::landings::{
    Assessment, BoatType, CatchLine, CatchUse, FisherHours, Fishers, LandingId, LandingSiteRef,
    QualityFlag, Severity, SummaryInput, SurveyedLanding,
};
use crate::domain::shared::{AccessScope, JurisdictionPath, Kilograms, Usd};

/// One landing with everything its page shows, read on `c`; `None` when it does not exist
/// or lies outside `scope` (no scope: the system's rights, every jurisdiction).
///
/// # Errors
/// [`StoreError`] when the database fails or the stored landing does not read back.
pub(crate) fn landing_detail(
    c: &mut PgConnection,
    scope: Option<&AccessScope>,
    id: Uuid,
) -> Result<Option<LandingDetail>, StoreError> {
    use l::surveyed_landings as s;

    #[derive(Queryable)]
    struct Row {
        id: Uuid,
        source_id: i64,
        import_id: Uuid,
        landing_date: Option<NaiveDate>,
        site_code: String,
        site_path: String,
        municipality: Option<String>,
        habitat_code: Option<i16>,
        boat_code: Option<i16>,
        gear_code: Option<i16>,
        has_tracker: Option<bool>,
        imei: Option<String>,
        mesh_inches: Option<f64>,
        hours_at_sea: Option<f64>,
        men: Option<i32>,
        women: Option<i32>,
        children: Option<i32>,
        fishers: Option<f64>,
        fisher_hours: Option<f64>,
        catch_value_usd: Option<f64>,
        rank: Option<i16>,
        boats_landing: Option<i32>,
        gleaners: Option<i32>,
        source_flag: Option<i16>,
        note: Option<String>,
        rule_set: String,
        counts_in_summaries: bool,
        effort_fisher_hours: Option<f64>,
        repaired_hours_at_sea: Option<f64>,
        summary_habitat_code: Option<i16>,
        catch_kg: f64,
        summary_value_usd: Option<f64>,
        review_status: Option<String>,
        source: String,
    }
    let mut q = s::table.filter(s::id.eq(id)).into_boxed::<Pg>();
    if let Some(scope) = scope {
        q = q.filter(site_in_scope(scope));
    }
    let row: Option<Row> = q
        .select((
            s::id,
            s::source_id,
            s::import_id,
            s::landing_date,
            s::site_code,
            s::site_path,
            s::municipality,
            s::habitat_code,
            s::boat_code,
            s::gear_code,
            s::has_tracker,
            s::imei,
            s::mesh_inches,
            s::hours_at_sea,
            s::men,
            s::women,
            s::children,
            s::fishers,
            s::fisher_hours,
            s::catch_value_usd,
            s::rank,
            s::boats_landing,
            s::gleaners,
            s::source_flag,
            s::note,
            s::rule_set,
            s::counts_in_summaries,
            s::effort_fisher_hours,
            s::repaired_hours_at_sea,
            s::summary_habitat_code,
            s::catch_kg,
            s::summary_value_usd,
            s::review_status,
            s::source,
        ))
        .first(&mut *c)
        .optional()
        .map_err(store_err)?;
    let Some(r) = row else { return Ok(None) };
    type LineRow = (
        Option<i32>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<String>,
        Option<i16>,
        Option<String>,
    );
    let lines: Vec<LineRow> = l::catch_lines::table
        .filter(l::catch_lines::landing_id.eq(id))
        .order(l::catch_lines::line_no)
        .select((
            l::catch_lines::species_code,
            l::catch_lines::length_cm,
            l::catch_lines::fish_count,
            l::catch_lines::weight_g,
            l::catch_lines::catch_use,
            l::catch_lines::source_flag,
            l::catch_lines::note,
        ))
        .load(&mut *c)
        .map_err(store_err)?;
    let flags: Vec<(String, String, String, serde_json::Value)> = l::quality_flags::table
        .filter(l::quality_flags::landing_id.eq(id))
        .order(l::quality_flags::seq)
        .select((
            l::quality_flags::code,
            l::quality_flags::severity,
            l::quality_flags::reason,
            l::quality_flags::values,
        ))
        .load(&mut *c)
        .map_err(store_err)?;
    let codes: Vec<i32> = lines.iter().filter_map(|l| l.0).collect();
    let species_names: HashMap<i32, String> = l::species::table
        .filter(l::species::code.eq_any(codes))
        .select((
            l::species::code,
            l::species::common_name,
            l::species::tetum_name,
        ))
        .load::<(i32, String, String)>(&mut *c)
        .map_err(store_err)?
        .into_iter()
        .map(|(code, en, tet)| {
            let name = match (en.is_empty(), tet.is_empty()) {
                (false, false) => format!("{en} · {tet}"),
                (true, _) => tet,
                (false, true) => en,
            };
            (code, name)
        })
        .collect();
    let path = JurisdictionPath::parse(&r.site_path).map_err(unreadable)?;
    let landing = SurveyedLanding {
        id: LandingId(r.id),
        source_id: r.source_id,
        date: r.landing_date,
        site: LandingSiteRef {
            code: r.site_code,
            path,
            municipality: r.municipality,
        },
        habitat_code: r.habitat_code,
        boat_code: r.boat_code,
        gear_code: r.gear_code,
        has_tracker: r.has_tracker,
        imei: r.imei,
        mesh_inches: r.mesh_inches,
        hours_at_sea: r.hours_at_sea,
        fishers: Fishers {
            men: r.men,
            women: r.women,
            children: r.children,
            total: r.fishers,
        },
        fisher_hours: r.fisher_hours,
        catch_value_usd: r.catch_value_usd,
        rank: r.rank,
        boats_landing: r.boats_landing,
        gleaners: r.gleaners,
        source_flag: r.source_flag,
        note: r.note,
        catch_lines: lines
            .into_iter()
            .map(|x| CatchLine {
                species_code: x.0,
                length_cm: x.1,
                count: x.2,
                weight_g: x.3,
                catch_use: x.4.as_deref().and_then(|u| CatchUse::parse(u).ok()),
                source_flag: x.5,
                note: x.6,
            })
            .collect(),
    };
    let assessment = Assessment {
        rule_set: r.rule_set,
        flags: flags
            .into_iter()
            .map(|(code, sev, reason, values)| QualityFlag {
                code,
                severity: Severity::from_key(&sev).unwrap_or(Severity::Error),
                reason,
                values: values
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        hours_at_sea: r.repaired_hours_at_sea,
        effort: r.effort_fisher_hours.and_then(|e| FisherHours::new(e).ok()),
        summary_habitat_code: r.summary_habitat_code,
        catch: Kilograms::new(r.catch_kg).unwrap_or(Kilograms::ZERO),
        summary_boat_type: r
            .boat_code
            .and_then(|b| BoatType::from_code(b.into()).ok())
            .filter(|b| *b != BoatType::Shore),
        value: r.summary_value_usd.and_then(|v| Usd::new(v).ok()),
    };
    type ReviewRow = (
        chrono::DateTime<chrono::Utc>,
        String,
        String,
        String,
        serde_json::Value,
    );
    let reviews: Vec<ReviewRow> = l::reviews::table
        .filter(l::reviews::source.eq(&r.source))
        .filter(l::reviews::source_id.eq(r.source_id))
        .order((l::reviews::decided_at, l::reviews::id))
        .select((
            l::reviews::decided_at,
            l::reviews::reviewer,
            l::reviews::decision,
            l::reviews::reason,
            l::reviews::changes,
        ))
        .load(&mut *c)
        .map_err(store_err)?;
    let reviews = reviews
        .into_iter()
        .map(
            |(decided_at, reviewer, decision, reason, changes)| ReviewRecord {
                decided_at,
                reviewer,
                decision,
                reason,
                changes: serde_json::from_value(changes).unwrap_or_default(),
            },
        )
        .collect();
    // The import that wrote it, when the caller may open it (row-level security hides an
    // import of a jurisdiction outside the scope, as the imports pages do).
    let import: Option<(String, chrono::DateTime<chrono::Utc>, String)> = l::imports::table
        .find(r.import_id)
        .select((
            l::imports::source,
            l::imports::started_at,
            l::imports::started_by,
        ))
        .first(&mut *c)
        .optional()
        .map_err(store_err)?;
    // The tracked trip matched to it, from spatial catch's published view.
    #[derive(QueryableByName)]
    struct Matched {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        trip_id: Uuid,
    }
    let matched: Option<Matched> = diesel::sql_query(
        "SELECT trip_id FROM spatial_catch.v1_trip_matches WHERE landing_id = $1 LIMIT 1",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .get_result(&mut *c)
    .optional()
    .map_err(store_err)?;
    Ok(Some(LandingDetail {
        matched_trip: matched.map(|m| m.trip_id),
        import: import.map(|(source, started_at, started_by)| ImportLabel {
            source,
            started_at,
            started_by,
        }),
        review_status: r.review_status,
        reviews,
        landing,
        assessment,
        counts_in_summaries: r.counts_in_summaries,
        import_id: r.import_id,
        species_names,
    }))
}

/// The summarised landings (of `scope` only, when given), as the summary sees them.
pub(crate) fn summary_inputs_where(
    conn: &mut PgConnection,
    scope: Option<&crate::domain::shared::AccessScope>,
) -> Result<Vec<SummaryInput>, StoreError> {
    use l::surveyed_landings as s;
    type Row = (
        Option<NaiveDate>,
        Option<String>,
        Option<i16>,
        Option<f64>,
        f64,
        Option<f64>,
    );
    let mut q = s::table
        .filter(s::counts_in_summaries.eq(true))
        .into_boxed::<diesel::pg::Pg>();
    if let Some(scope) = scope {
        q = q.filter(site_in_scope(scope));
    }
    let rows: Vec<Row> = q
        .select((
            s::landing_date,
            s::municipality,
            s::boat_code,
            s::effort_fisher_hours,
            s::catch_kg,
            s::summary_value_usd,
        ))
        .load(conn)
        .map_err(store_err)?;
    Ok(rows
        .into_iter()
        .filter_map(|(date, muni, boat, effort, catch, value)| {
            Some(SummaryInput {
                date: date?,
                municipality: muni?,
                boat_type: BoatType::from_code(boat?.into()).ok()?,
                effort: FisherHours::new(effort?).ok()?,
                catch: Kilograms::new(catch).ok()?,
                value_usd: value,
            })
        })
        .collect())
}

/// The filter "the landing's site lies in `scope`": its path is one of the scope's paths or
/// under one (the same test row-level security makes).
pub(crate) fn site_in_scope(
    scope: &AccessScope,
) -> Box<dyn BoxableExpression<l::surveyed_landings::table, Pg, SqlType = Bool>> {
    let (exact, prefixes) = scope_patterns(scope);
    Box::new(
        kept_sql::<Bool>(
            "(landings.surveyed_landings.site_path = ANY($1)
              OR landings.surveyed_landings.site_path LIKE ANY($2))",
        )
        .text_array(exact)
        .text_array(prefixes),
    )
}
