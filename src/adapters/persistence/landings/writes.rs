//! The writes of the landings use cases on the unit of work's transaction: imports (bulk
//! writes with COPY), reviews, and the rebuild of the read models.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::upsert::excluded;
use uuid::Uuid;

use crate::adapters::persistence::landings::reads::{landing_detail, summary_inputs_where};
use crate::adapters::persistence::landings::schema as l;
use crate::adapters::persistence::shared::{DieselTx, store_err};
use crate::application::landings::ports::{
    AssessedLanding, ImportRecord, LandingImports, LandingReviews, LandingsTx, SummaryProjection,
};
use crate::application::shared::{RejectedRow, StoreError, Transaction};
use crate::domain::landings::{
    Assessment, Decision, FisherHours, MonthlySummaryRow, Review, Species, SummaryInput,
    SurveyedLanding,
};

#[derive(Insertable)]
#[diesel(table_name = l::surveyed_landings, treat_none_as_default_value = false)]
struct NewLanding<'a> {
    id: Uuid,
    source: &'a str,
    source_id: i64,
    fingerprint: &'a str,
    import_id: Uuid,
    landing_date: Option<NaiveDate>,
    site_code: &'a str,
    site_path: &'a str,
    municipality: Option<&'a str>,
    habitat_code: Option<i16>,
    boat_code: Option<i16>,
    gear_code: Option<i16>,
    has_tracker: Option<bool>,
    imei: Option<&'a str>,
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
    note: Option<&'a str>,
    rule_set: &'a str,
    is_valid: bool,
    counts_in_summaries: bool,
    effort_fisher_hours: Option<f64>,
    repaired_hours_at_sea: Option<f64>,
    summary_habitat_code: Option<i16>,
    catch_kg: f64,
    summary_value_usd: Option<f64>,
    error_count: i32,
    warning_count: i32,
}

#[derive(Insertable)]
#[diesel(table_name = l::catch_lines, treat_none_as_default_value = false)]
struct NewCatchLine {
    landing_id: Uuid,
    line_no: i32,
    species_code: Option<i32>,
    length_cm: Option<f64>,
    fish_count: Option<f64>,
    weight_g: Option<f64>,
    catch_use: Option<String>,
    source_flag: Option<i16>,
    note: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = l::quality_flags, treat_none_as_default_value = false)]
struct NewFlag {
    landing_id: Uuid,
    seq: i32,
    rule_set: String,
    code: String,
    severity: String,
    reason: String,
    values: serde_json::Value,
}

#[derive(Insertable)]
#[diesel(table_name = l::rejected_rows)]
struct NewRejected<'a> {
    import_id: Uuid,
    file: &'a str,
    line: i64,
    column_name: Option<&'a str>,
    reason: &'a str,
    raw: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = l::monthly_summaries, treat_none_as_default_value = false)]
struct NewSummary {
    scope: String,
    municipality: Option<String>,
    boat_type: Option<String>,
    month: NaiveDate,
    landings: i32,
    fishing_days: i32,
    effort_fisher_hours: f64,
    catch_kg: f64,
    cpue: f64,
    value_usd: f64,
}

/// The set-based check that stands in for foreign keys (see the landings migration): every
/// catch line and flag belongs to a stored landing, and every landing to a recorded import.
/// Run inside the import's transaction; an orphan fails it, so nothing is committed.
fn check_aggregates_whole(conn: &mut PgConnection) -> Result<(), StoreError> {
    #[derive(QueryableByName)]
    struct Orphans {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let orphans: Orphans = diesel::sql_query(
        "SELECT (SELECT count(*) FROM landings.catch_lines c
                 WHERE NOT EXISTS (SELECT 1 FROM landings.surveyed_landings s WHERE s.id = c.landing_id))
              + (SELECT count(*) FROM landings.quality_flags f
                 WHERE NOT EXISTS (SELECT 1 FROM landings.surveyed_landings s WHERE s.id = f.landing_id))
              + (SELECT count(*) FROM landings.surveyed_landings s
                 WHERE NOT EXISTS (SELECT 1 FROM landings.imports i WHERE i.id = s.import_id)) AS n",
    )
    .get_result(conn)
    .map_err(store_err)?;
    if orphans.n > 0 {
        return Err(StoreError::permanent(format!(
            "{} catch lines, flags or landings would be left without their landing or import",
            orphans.n
        )));
    }
    Ok(())
}

/// Rows per multi-row INSERT (PostgreSQL allows 65,535 bind parameters per statement).
const INSERT_CHUNK: usize = 1000;

impl LandingImports for DieselTx {
    fn upsert_species(&mut self, species: &[Species]) -> Result<(u64, u64), StoreError> {
        let stored: HashMap<i32, (String, String)> = l::species::table
            .select((
                l::species::code,
                l::species::common_name,
                l::species::tetum_name,
            ))
            .load::<(i32, String, String)>(self.conn())
            .map_err(store_err)?
            .into_iter()
            .map(|(c, n, t)| (c, (n, t)))
            .collect();
        let changed: Vec<&Species> = species
            .iter()
            .filter(|s| stored.get(&s.code) != Some(&(s.common_name.clone(), s.tetum_name.clone())))
            .collect();
        for chunk in changed.chunks(INSERT_CHUNK) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|s| {
                    (
                        l::species::code.eq(s.code),
                        l::species::common_name.eq(&s.common_name),
                        l::species::tetum_name.eq(&s.tetum_name),
                    )
                })
                .collect();
            diesel::insert_into(l::species::table)
                .values(rows)
                .on_conflict(l::species::code)
                .do_update()
                .set((
                    l::species::common_name.eq(excluded(l::species::common_name)),
                    l::species::tetum_name.eq(excluded(l::species::tetum_name)),
                ))
                .execute(self.conn())
                .map_err(store_err)?;
        }
        let written = changed.len() as u64;
        Ok((written, species.len() as u64 - written))
    }

    fn landing_fingerprints(&mut self, source: &str) -> Result<HashMap<i64, String>, StoreError> {
        Ok(l::surveyed_landings::table
            .filter(l::surveyed_landings::source.eq(source))
            .select((
                l::surveyed_landings::source_id,
                l::surveyed_landings::fingerprint,
            ))
            .load::<(i64, String)>(self.conn())
            .map_err(store_err)?
            .into_iter()
            .collect())
    }

    fn record_import(&mut self, r: &ImportRecord) -> Result<(), StoreError> {
        let counts = serde_json::to_value(&r.counts).map_err(store_err)?;
        diesel::insert_into(l::imports::table)
            .values((
                l::imports::id.eq(r.id),
                l::imports::source.eq(&r.source),
                l::imports::location.eq(&r.location),
                l::imports::rule_set.eq(&r.rule_set),
                l::imports::started_at.eq(r.started_at),
                l::imports::finished_at.eq(r.finished_at),
                l::imports::started_by.eq(&r.started_by),
                l::imports::counts.eq(counts),
                l::imports::jurisdiction_path.eq(&r.jurisdiction),
            ))
            .execute(self.conn())
            .map_err(store_err)?;
        Ok(())
    }

    fn remove_landings(&mut self, source: &str, source_ids: &[i64]) -> Result<(), StoreError> {
        for chunk in source_ids.chunks(10_000) {
            let old = || {
                l::surveyed_landings::table
                    .filter(l::surveyed_landings::source.eq(source))
                    .filter(l::surveyed_landings::source_id.eq_any(chunk))
                    .select(l::surveyed_landings::id)
            };
            diesel::delete(l::catch_lines::table.filter(l::catch_lines::landing_id.eq_any(old())))
                .execute(self.conn())
                .map_err(store_err)?;
            diesel::delete(
                l::quality_flags::table.filter(l::quality_flags::landing_id.eq_any(old())),
            )
            .execute(self.conn())
            .map_err(store_err)?;
            diesel::delete(
                l::surveyed_landings::table
                    .filter(l::surveyed_landings::source.eq(source))
                    .filter(l::surveyed_landings::source_id.eq_any(chunk)),
            )
            .execute(self.conn())
            .map_err(store_err)?;
        }
        // Only a removal deletes rows, so only then could a part be left behind.
        check_aggregates_whole(self.conn())
    }

    fn insert_landings(
        &mut self,
        source: &str,
        import_id: Uuid,
        landings: &[AssessedLanding<'_>],
    ) -> Result<(), StoreError> {
        let mut rows = Vec::with_capacity(landings.len());
        let mut lines = Vec::new();
        let mut flags = Vec::new();
        for a in landings {
            let x = a.landing;
            let s = &a.assessment;
            let errors = s
                .flags
                .iter()
                .filter(|f| f.severity.key() == "error")
                .count();
            rows.push(NewLanding {
                id: x.id.0,
                source,
                source_id: x.source_id,
                fingerprint: a.fingerprint,
                import_id,
                landing_date: x.date,
                site_code: &x.site.code,
                site_path: x.site.path.as_str(),
                municipality: x.site.municipality.as_deref(),
                habitat_code: x.habitat_code,
                boat_code: x.boat_code,
                gear_code: x.gear_code,
                has_tracker: x.has_tracker,
                imei: x.imei.as_deref(),
                mesh_inches: x.mesh_inches,
                hours_at_sea: x.hours_at_sea,
                men: x.fishers.men,
                women: x.fishers.women,
                children: x.fishers.children,
                fishers: x.fishers.total,
                fisher_hours: x.fisher_hours,
                catch_value_usd: x.catch_value_usd,
                rank: x.rank,
                boats_landing: x.boats_landing,
                gleaners: x.gleaners,
                source_flag: x.source_flag,
                note: x.note.as_deref(),
                rule_set: &s.rule_set,
                is_valid: s.is_valid(),
                counts_in_summaries: s.counts_in_summaries(),
                effort_fisher_hours: s.effort.map(FisherHours::value),
                repaired_hours_at_sea: s.hours_at_sea,
                summary_habitat_code: s.summary_habitat_code,
                catch_kg: s.catch.value(),
                summary_value_usd: s.value.map(|v| v.value()),
                error_count: errors as i32,
                warning_count: (s.flags.len() - errors) as i32,
            });
            for (i, c) in x.catch_lines.iter().enumerate() {
                lines.push(NewCatchLine {
                    landing_id: x.id.0,
                    line_no: i as i32 + 1,
                    species_code: c.species_code,
                    length_cm: c.length_cm,
                    fish_count: c.count,
                    weight_g: c.weight_g,
                    catch_use: c.catch_use.map(|u| u.key().to_string()),
                    source_flag: c.source_flag,
                    note: c.note.clone(),
                });
            }
            for (i, f) in s.flags.iter().enumerate() {
                let values: serde_json::Map<String, serde_json::Value> = f
                    .values
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect();
                flags.push(NewFlag {
                    landing_id: x.id.0,
                    seq: i as i32 + 1,
                    rule_set: s.rule_set.clone(),
                    code: f.code.clone(),
                    severity: f.severity.key().to_string(),
                    reason: f.reason.clone(),
                    values: serde_json::Value::Object(values),
                });
            }
        }
        let clock = std::time::Instant::now();
        diesel::copy_from(l::surveyed_landings::table)
            .from_insertable(rows)
            .execute(self.conn())
            .map_err(store_err)?;
        tracing::debug!(
            elapsed_ms = clock.elapsed().as_millis() as u64,
            rows = landings.len(),
            "landings copied"
        );
        diesel::copy_from(l::catch_lines::table)
            .from_insertable(lines)
            .execute(self.conn())
            .map_err(store_err)?;
        tracing::debug!(
            elapsed_ms = clock.elapsed().as_millis() as u64,
            "catch lines copied"
        );
        let n_flags = flags.len();
        diesel::copy_from(l::quality_flags::table)
            .from_insertable(flags)
            .execute(self.conn())
            .map_err(store_err)?;
        tracing::debug!(
            elapsed_ms = clock.elapsed().as_millis() as u64,
            flags = n_flags,
            "flags copied"
        );
        Ok(())
    }

    fn record_rejections(
        &mut self,
        import_id: Uuid,
        rows: &[RejectedRow],
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(INSERT_CHUNK) {
            let values: Vec<NewRejected> = chunk
                .iter()
                .map(|r| NewRejected {
                    import_id,
                    file: &r.file,
                    line: r.line as i64,
                    column_name: r.column.as_deref(),
                    reason: &r.reason,
                    raw: &r.raw,
                })
                .collect();
            diesel::insert_into(l::rejected_rows::table)
                .values(values)
                .execute(self.conn())
                .map_err(store_err)?;
        }
        Ok(())
    }
}

/// Replaces the monthly summary, the catch by species, the flag counts and the landings per
/// site, and moves the
/// read models' version on.
fn write_read_models(
    conn: &mut PgConnection,
    rows: &[MonthlySummaryRow],
) -> Result<(), StoreError> {
    use crate::domain::landings::SummaryScope;
    diesel::delete(l::monthly_summaries::table)
        .execute(conn)
        .map_err(store_err)?;
    let values: Vec<NewSummary> = rows
        .iter()
        .map(|r| NewSummary {
            scope: r.scope.kind().to_string(),
            municipality: match &r.scope {
                SummaryScope::Municipality(m) => Some(m.clone()),
                _ => None,
            },
            boat_type: match &r.scope {
                SummaryScope::BoatType(b) => Some(b.key().to_string()),
                _ => None,
            },
            month: r.month.first_day(),
            landings: r.landings as i32,
            fishing_days: r.fishing_days as i32,
            effort_fisher_hours: r.effort.value(),
            catch_kg: r.catch.value(),
            cpue: r.cpue.value(),
            value_usd: r.value_usd,
        })
        .collect();
    for chunk in values.chunks(INSERT_CHUNK) {
        diesel::insert_into(l::monthly_summaries::table)
            .values(chunk)
            .execute(conn)
            .map_err(store_err)?;
    }
    // The jurisdiction each row describes, which row-level security filters on: a
    // municipality's path, or the country's for national and boat-type rows (with one
    // country in the tree; with several, national rows are nobody's until they are split
    // by country).
    diesel::sql_query(
        "UPDATE landings.monthly_summaries m SET jurisdiction_path = j.path
         FROM geography.v1_jurisdictions j
         WHERE m.scope = 'municipality' AND j.kind = 'municipality' AND j.name = m.municipality",
    )
    .execute(conn)
    .map_err(store_err)?;
    diesel::sql_query(
        "UPDATE landings.monthly_summaries SET jurisdiction_path = c.path
         FROM (SELECT min(path) AS path FROM geography.v1_jurisdictions WHERE kind = 'country'
               HAVING count(*) = 1) c
         WHERE scope IN ('national', 'boat_type')",
    )
    .execute(conn)
    .map_err(store_err)?;
    diesel::sql_query("DELETE FROM landings.monthly_species_catch")
        .execute(conn)
        .map_err(store_err)?;
    // A landing with a municipality sits at Country/Municipality/Site.
    diesel::sql_query(
        "INSERT INTO landings.monthly_species_catch
                 (municipality, month, species_code, catch_kg, jurisdiction_path)
             SELECT s.municipality, date_trunc('month', s.landing_date)::date, c.species_code,
                    sum(c.weight_g) / 1000.0,
                    min(split_part(s.site_path, '/', 1) || '/' || split_part(s.site_path, '/', 2))
             FROM landings.catch_lines c
             JOIN landings.surveyed_landings s ON s.id = c.landing_id
             WHERE s.counts_in_summaries AND c.species_code IS NOT NULL AND c.weight_g IS NOT NULL
             GROUP BY 1, 2, 3",
    )
    .execute(conn)
    .map_err(store_err)?;
    diesel::sql_query("DELETE FROM landings.flag_counts")
        .execute(conn)
        .map_err(store_err)?;
    diesel::sql_query(
        "INSERT INTO landings.flag_counts (site_path, code, severity, landings)
         SELECT s.site_path, f.code, f.severity, count(DISTINCT f.landing_id)
         FROM landings.quality_flags f JOIN landings.surveyed_landings s ON s.id = f.landing_id
         GROUP BY 1, 2, 3",
    )
    .execute(conn)
    .map_err(store_err)?;
    diesel::sql_query("DELETE FROM landings.site_counts")
        .execute(conn)
        .map_err(store_err)?;
    diesel::sql_query(
        "INSERT INTO landings.site_counts (site_path, landings, flagged_unreviewed)
         SELECT site_path, count(*), count(*) FILTER (WHERE (error_count > 0 OR warning_count > 0)
                                                      AND review_status IS NULL)
         FROM landings.surveyed_landings GROUP BY 1",
    )
    .execute(conn)
    .map_err(store_err)?;
    diesel::sql_query(
        "UPDATE landings.read_models_version SET version = version + 1, rebuilt_at = now()",
    )
    .execute(conn)
    .map_err(store_err)?;
    Ok(())
}

impl LandingReviews for DieselTx {
    fn reported(&mut self, id: Uuid) -> Result<Option<SurveyedLanding>, StoreError> {
        let scope = self.caller().scope().cloned();
        Ok(landing_detail(self.conn(), scope.as_ref(), id)?.map(|d| d.landing))
    }

    fn lock_landing(&mut self, id: Uuid) -> Result<bool, StoreError> {
        // An advisory lock per landing: the application role may not `SELECT … FOR UPDATE`
        // (that needs UPDATE on the table, which only `landings.record_review` has).
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))")
            .bind::<diesel::sql_types::Uuid, _>(id)
            .execute(self.conn())
            .map_err(store_err)?;
        let found: Option<Uuid> = l::surveyed_landings::table
            .find(id)
            .select(l::surveyed_landings::id)
            .first(self.conn())
            .optional()
            .map_err(store_err)?;
        Ok(found.is_some())
    }

    fn record_review(
        &mut self,
        landing: &SurveyedLanding,
        review: &Review,
        changes: &[(&'static str, String, String)],
        rule_set: &str,
        a: &Assessment,
        counts: bool,
    ) -> Result<(), StoreError> {
        use diesel::sql_types::{Bool, Float8, Int2, Int4, Jsonb, Nullable, Text, Timestamptz};
        let corrections = match &review.decision {
            Decision::Correct(c) => serde_json::to_value(c).map_err(store_err)?,
            _ => serde_json::json!({}),
        };
        let changes = serde_json::to_value(changes).map_err(store_err)?;
        let errors = a
            .flags
            .iter()
            .filter(|f| f.severity.key() == "error")
            .count() as i32;
        let flags: Vec<serde_json::Value> = a
            .flags
            .iter()
            .map(|f| {
                let values: serde_json::Map<String, serde_json::Value> = f
                    .values
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect();
                serde_json::json!({
                    "rule_set": a.rule_set,
                    "code": f.code,
                    "severity": f.severity.key(),
                    "reason": f.reason,
                    "values": values,
                })
            })
            .collect();
        diesel::sql_query(
            "SELECT landings.record_review($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15, $16, $17, $18)",
        )
        .bind::<diesel::sql_types::Uuid, _>(landing.id.0)
        .bind::<Timestamptz, _>(review.at)
        .bind::<Text, _>(&review.reviewer)
        .bind::<Text, _>(review.decision.key())
        .bind::<Text, _>(&review.reason)
        .bind::<Jsonb, _>(corrections)
        .bind::<Jsonb, _>(changes)
        .bind::<Text, _>(rule_set)
        .bind::<Bool, _>(a.is_valid())
        .bind::<Bool, _>(counts)
        .bind::<Nullable<Float8>, _>(a.effort.map(FisherHours::value))
        .bind::<Nullable<Float8>, _>(a.hours_at_sea)
        .bind::<Nullable<Int2>, _>(a.summary_habitat_code)
        .bind::<Float8, _>(a.catch.value())
        .bind::<Nullable<Float8>, _>(a.value.map(|v| v.value()))
        .bind::<Int4, _>(errors)
        .bind::<Int4, _>(a.flags.len() as i32 - errors)
        .bind::<Jsonb, _>(serde_json::Value::Array(flags))
        .execute(self.conn())
        .map_err(store_err)?;
        Ok(())
    }
}

impl SummaryProjection for DieselTx {
    fn lock(&mut self) -> Result<(), StoreError> {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('landings.read_models'))")
            .execute(self.conn())
            .map_err(store_err)?;
        Ok(())
    }

    fn summary_inputs(&mut self) -> Result<Vec<SummaryInput>, StoreError> {
        summary_inputs_where(self.conn(), None)
    }

    fn replace_read_models(&mut self, rows: &[MonthlySummaryRow]) -> Result<(), StoreError> {
        write_read_models(self.conn(), rows)
    }
}

impl LandingsTx for DieselTx {
    fn imports(&mut self) -> &mut dyn LandingImports {
        self
    }

    fn reviews(&mut self) -> &mut dyn LandingReviews {
        self
    }

    fn summaries(&mut self) -> &mut dyn SummaryProjection {
        self
    }
}
