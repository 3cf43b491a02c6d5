//! Read side of the spatial-catch products over diesel: the effort grid, match rates, the
//! matches and the latest rebuild's figures. Each query of records runs in a read-only
//! transaction under the caller's scope (row-level security), and filters by the scope
//! itself as well.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Double, Int2, Integer, Nullable, Text, Timestamptz};

use crate::adapters::persistence::shared::{PgPool, ScopedRead, scope_patterns, store_err};
use crate::application::shared::StoreError;
use crate::application::spatial_catch::ports::{
    CellRow, CellTotal, GridFilter, MatchRateRow, MatchingRun, SpatialCatchQueries,
};
use crate::domain::shared::AccessScope;

/// Spatial-catch queries on a pool (the application's for users; the owner's for the
/// national figures told after an import).
pub struct DieselSpatialCatchQueries {
    pool: PgPool,
}

impl DieselSpatialCatchQueries {
    /// Queries on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselSpatialCatchQueries { pool }
    }
}

const GRID_WHERE: &str = "(jurisdiction_path = ANY($1) OR jurisdiction_path LIKE ANY($2))
     AND ($3::date IS NULL OR month >= $3) AND ($4::date IS NULL OR month <= $4)
     AND ($5::int2 IS NULL OR gear_code = $5) AND ($6::text IS NULL OR municipality = $6)
     AND ($7::int2 IS NULL OR boat_code = $7)";

/// `sql` (whose `WHERE` is [`GRID_WHERE`]) with the scope and `f` bound.
fn grid_query(
    scope: &AccessScope,
    f: &GridFilter,
    sql: &str,
) -> diesel::query_builder::BoxedSqlQuery<'static, diesel::pg::Pg, diesel::query_builder::SqlQuery>
{
    let (exact, prefixes) = scope_patterns(scope);
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<Array<Text>, _>(exact)
        .bind::<Array<Text>, _>(prefixes)
        .bind::<Nullable<Date>, _>(f.from)
        .bind::<Nullable<Date>, _>(f.to)
        .bind::<Nullable<Int2>, _>(f.gear)
        .bind::<Nullable<Text>, _>(f.municipality.clone())
        .bind::<Nullable<Int2>, _>(f.boat)
}

#[derive(QueryableByName)]
struct CellTotalRow {
    #[diesel(sql_type = Integer)]
    cell_row: i32,
    #[diesel(sql_type = Integer)]
    cell_col: i32,
    #[diesel(sql_type = BigInt)]
    trips: i64,
    #[diesel(sql_type = BigInt)]
    matched_trips: i64,
    #[diesel(sql_type = Double)]
    catch_kg: f64,
    #[diesel(sql_type = Double)]
    effort_fisher_hours: f64,
}

#[derive(QueryableByName)]
struct GridRow {
    #[diesel(sql_type = Date)]
    month: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    municipality: Option<String>,
    #[diesel(sql_type = Integer)]
    cell_row: i32,
    #[diesel(sql_type = Integer)]
    cell_col: i32,
    #[diesel(sql_type = Nullable<Int2>)]
    gear_code: Option<i16>,
    #[diesel(sql_type = Nullable<Int2>)]
    boat_code: Option<i16>,
    #[diesel(sql_type = Integer)]
    trips: i32,
    #[diesel(sql_type = Integer)]
    matched_trips: i32,
    #[diesel(sql_type = Integer)]
    imputed_gear_trips: i32,
    #[diesel(sql_type = Double)]
    catch_kg: f64,
    #[diesel(sql_type = Double)]
    effort_fisher_hours: f64,
    #[diesel(sql_type = Nullable<Double>)]
    cpue: Option<f64>,
}

impl SpatialCatchQueries for DieselSpatialCatchQueries {
    fn grid(&self, scope: &AccessScope, f: &GridFilter) -> Result<Vec<CellTotal>, StoreError> {
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let rows: Vec<CellTotalRow> = grid_query(
            scope,
            f,
            &format!(
                "SELECT cell_row, cell_col, sum(trips)::int8 AS trips,
                    sum(matched_trips)::int8 AS matched_trips,
                    sum(catch_kg) AS catch_kg, sum(effort_fisher_hours) AS effort_fisher_hours
             FROM spatial_catch.effort_cells WHERE {GRID_WHERE}
             GROUP BY 1, 2 ORDER BY 1, 2"
            ),
        )
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| CellTotal {
                row: r.cell_row,
                col: r.cell_col,
                trips: r.trips,
                matched_trips: r.matched_trips,
                catch_kg: r.catch_kg,
                effort_fisher_hours: r.effort_fisher_hours,
            })
            .collect())
    }

    fn grid_rows(&self, scope: &AccessScope, f: &GridFilter) -> Result<Vec<CellRow>, StoreError> {
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let rows: Vec<GridRow> = grid_query(
            scope,
            f,
            &format!(
                "SELECT month, municipality, cell_row, cell_col, gear_code, boat_code, trips,
                    matched_trips, imputed_gear_trips, catch_kg, effort_fisher_hours, cpue
             FROM spatial_catch.effort_cells WHERE {GRID_WHERE}
             ORDER BY month, municipality, cell_row, cell_col, gear_code, boat_code"
            ),
        )
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| CellRow {
                month: r.month,
                municipality: r.municipality,
                row: r.cell_row,
                col: r.cell_col,
                gear_code: r.gear_code,
                boat_code: r.boat_code,
                trips: r.trips,
                matched_trips: r.matched_trips,
                imputed_gear_trips: r.imputed_gear_trips,
                catch_kg: r.catch_kg,
                effort_fisher_hours: r.effort_fisher_hours,
                cpue: r.cpue,
            })
            .collect())
    }

    fn match_rates(&self, scope: &AccessScope) -> Result<Vec<MatchRateRow>, StoreError> {
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Date)]
            month: NaiveDate,
            #[diesel(sql_type = Nullable<Text>)]
            municipality: Option<String>,
            #[diesel(sql_type = Integer)]
            landings_with_tracker: i32,
            #[diesel(sql_type = Integer)]
            landings_matched: i32,
            #[diesel(sql_type = Integer)]
            trips: i32,
            #[diesel(sql_type = Integer)]
            trips_matched: i32,
        }
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let (exact, prefixes) = scope_patterns(scope);
        let rows: Vec<R> = diesel::sql_query(
            "SELECT month, municipality, landings_with_tracker, landings_matched, trips,
                    trips_matched
             FROM spatial_catch.match_rates
             WHERE jurisdiction_path = ANY($1) OR jurisdiction_path LIKE ANY($2)
             ORDER BY month, municipality",
        )
        .bind::<Array<Text>, _>(exact)
        .bind::<Array<Text>, _>(prefixes)
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| MatchRateRow {
                month: r.month,
                municipality: r.municipality,
                landings_with_tracker: r.landings_with_tracker,
                landings_matched: r.landings_matched,
                trips: r.trips,
                trips_matched: r.trips_matched,
            })
            .collect())
    }

    fn latest_run(&self) -> Result<Option<MatchingRun>, StoreError> {
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Timestamptz)]
            at: DateTime<Utc>,
            #[diesel(sql_type = Integer)]
            landings: i32,
            #[diesel(sql_type = Integer)]
            trips: i32,
            #[diesel(sql_type = Integer)]
            matches: i32,
            #[diesel(sql_type = Integer)]
            reference_links: i32,
            #[diesel(sql_type = Integer)]
            true_positives: i32,
            #[diesel(sql_type = Nullable<Double>)]
            precision: Option<f64>,
            #[diesel(sql_type = Nullable<Double>)]
            recall: Option<f64>,
            #[diesel(sql_type = Integer)]
            donors: i32,
            #[diesel(sql_type = Nullable<Double>)]
            gear_accuracy: Option<f64>,
            #[diesel(sql_type = Nullable<Double>)]
            habitat_accuracy: Option<f64>,
            #[diesel(sql_type = Integer)]
            imputed: i32,
        }
        let mut c = self.pool.get().map_err(store_err)?;
        let r: Option<R> = diesel::sql_query(
            "SELECT at, landings, trips, matches, reference_links, true_positives, precision,
                    recall, donors, gear_accuracy, habitat_accuracy, imputed
             FROM spatial_catch.runs ORDER BY id DESC LIMIT 1",
        )
        .get_result(&mut c)
        .optional()
        .map_err(store_err)?;
        Ok(r.map(|r| MatchingRun {
            at: r.at,
            landings: r.landings,
            trips: r.trips,
            matches: r.matches,
            reference_links: r.reference_links,
            true_positives: r.true_positives,
            precision: r.precision,
            recall: r.recall,
            donors: r.donors,
            gear_accuracy: r.gear_accuracy,
            habitat_accuracy: r.habitat_accuracy,
            imputed: r.imputed,
        }))
    }

    fn matches(&self, scope: &AccessScope) -> Result<Vec<(i64, i64)>, StoreError> {
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = BigInt)]
            landing_source_id: i64,
            #[diesel(sql_type = BigInt)]
            trip_source_id: i64,
        }
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let (exact, prefixes) = scope_patterns(scope);
        let rows: Vec<R> = diesel::sql_query(
            "SELECT landing_source_id, trip_source_id FROM spatial_catch.matches
             WHERE site_path = ANY($1) OR site_path LIKE ANY($2)
             ORDER BY landing_source_id",
        )
        .bind::<Array<Text>, _>(exact)
        .bind::<Array<Text>, _>(prefixes)
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| (r.landing_source_id, r.trip_source_id))
            .collect())
    }
}
