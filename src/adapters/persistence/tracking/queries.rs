//! Read side of the tracking and spatial-catch products over diesel. Each query runs in a
//! read-only transaction under the caller's scope (row-level security), and filters by the
//! scope itself as well.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{
    Array, BigInt, Bool, Date, Double, Int2, Integer, Jsonb, Nullable, Text, Timestamptz,
};
use uuid::Uuid;

use crate::adapters::persistence::shared::{PgPool, ScopedRead, scope_patterns, store_err};
use crate::application::shared::StoreError;
use crate::application::tracking::ports::{
    CellRow, CellTotal, GridFilter, ImputedView, MatchRateRow, MatchingRun, PositionView,
    TrackingQueries, TripDetail, VesselActivityRow, VesselDetail, VesselMonth,
};
use crate::domain::shared::AccessScope;

/// Tracking queries on the application's pool.
pub struct DieselTrackingQueries {
    pool: PgPool,
}

impl DieselTrackingQueries {
    /// Queries on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselTrackingQueries { pool }
    }
}

/// Positions drawn on a trip's page at most (a PDS trip may have thousands).
pub const MAX_POSITIONS_SHOWN: i64 = 5000;

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

impl TrackingQueries for DieselTrackingQueries {
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

    fn trip(&self, scope: &AccessScope, id: Uuid) -> Result<Option<TripDetail>, StoreError> {
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Text)]
            source: String,
            #[diesel(sql_type = Text)]
            source_trip_id: String,
            #[diesel(sql_type = Nullable<Text>)]
            vessel_id: Option<String>,
            #[diesel(sql_type = Nullable<Text>)]
            imei: Option<String>,
            #[diesel(sql_type = Date)]
            trip_date: NaiveDate,
            #[diesel(sql_type = Nullable<Timestamptz>)]
            started_at: Option<DateTime<Utc>>,
            #[diesel(sql_type = Nullable<Timestamptz>)]
            ended_at: Option<DateTime<Utc>>,
            #[diesel(sql_type = Nullable<Double>)]
            duration_hours: Option<f64>,
            #[diesel(sql_type = Nullable<Double>)]
            distance_m: Option<f64>,
            #[diesel(sql_type = Text)]
            site_path: String,
            #[diesel(sql_type = Nullable<Int2>)]
            gear_code: Option<i16>,
            #[diesel(sql_type = Nullable<Int2>)]
            habitat_code: Option<i16>,
            #[diesel(sql_type = Nullable<Int2>)]
            boat_code: Option<i16>,
            #[diesel(sql_type = Bool)]
            is_valid: bool,
            #[diesel(sql_type = Jsonb)]
            flags: serde_json::Value,
            #[diesel(sql_type = Array<Double>)]
            sample_lat: Vec<f64>,
            #[diesel(sql_type = Array<Double>)]
            sample_lon: Vec<f64>,
        }
        #[derive(QueryableByName)]
        struct P {
            #[diesel(sql_type = Timestamptz)]
            at: DateTime<Utc>,
            #[diesel(sql_type = Double)]
            lat: f64,
            #[diesel(sql_type = Double)]
            lon: f64,
            #[diesel(sql_type = Nullable<diesel::sql_types::Float4>)]
            speed_mps: Option<f32>,
        }
        #[derive(QueryableByName)]
        struct M {
            #[diesel(sql_type = diesel::sql_types::Uuid)]
            landing_id: Uuid,
            #[diesel(sql_type = BigInt)]
            landing_source_id: i64,
        }
        #[derive(QueryableByName)]
        struct I {
            #[diesel(sql_type = Nullable<Int2>)]
            gear_code: Option<i16>,
            #[diesel(sql_type = Nullable<Int2>)]
            habitat_code: Option<i16>,
            #[diesel(sql_type = BigInt)]
            donor_landing_source_id: i64,
            #[diesel(sql_type = Double)]
            distance: f64,
            #[diesel(sql_type = Bool)]
            too_far: bool,
        }
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let (exact, prefixes) = scope_patterns(scope);
        let r: Option<R> = diesel::sql_query(
            "SELECT source, source_trip_id, vessel_id, imei, trip_date, started_at, ended_at,
                    duration_hours, distance_m, site_path, gear_code, habitat_code, boat_code,
                    is_valid, flags, sample_lat, sample_lon
             FROM tracking.tracked_trips
             WHERE id = $1 AND (site_path = ANY($2) OR site_path LIKE ANY($3))",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<Array<Text>, _>(exact)
        .bind::<Array<Text>, _>(prefixes)
        .get_result(&mut *c)
        .optional()
        .map_err(store_err)?;
        let Some(r) = r else {
            return Ok(None);
        };
        let points: Vec<P> = if r.source == "pds" {
            diesel::sql_query(
                "SELECT at, lat, lon, speed_mps FROM tracking.positions
                 WHERE trip_source_id = $1 ORDER BY at LIMIT $2",
            )
            .bind::<Text, _>(&r.source_trip_id)
            .bind::<BigInt, _>(MAX_POSITIONS_SHOWN)
            .load(&mut *c)
            .map_err(store_err)?
        } else {
            Vec::new()
        };
        let positions: Vec<PositionView> = if points.is_empty() {
            r.sample_lat
                .iter()
                .zip(&r.sample_lon)
                .map(|(lat, lon)| (None, *lat, *lon, None))
                .collect()
        } else {
            points
                .into_iter()
                .map(|p| (Some(p.at), p.lat, p.lon, p.speed_mps.map(f64::from)))
                .collect()
        };
        let matched: Option<M> = diesel::sql_query(
            "SELECT landing_id, landing_source_id FROM spatial_catch.matches WHERE trip_id = $1",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .get_result(&mut *c)
        .optional()
        .map_err(store_err)?;
        let imputed: Option<I> = diesel::sql_query(
            "SELECT gear_code, habitat_code, donor_landing_source_id, distance, too_far
             FROM spatial_catch.imputations WHERE trip_id = $1",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .get_result(&mut *c)
        .optional()
        .map_err(store_err)?;
        let flags = r
            .flags
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| {
                        let s =
                            |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                        (s("code"), s("severity").to_lowercase(), s("reason"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(TripDetail {
            id,
            source: r.source,
            source_trip_id: r.source_trip_id,
            vessel_id: r.vessel_id,
            imei: r.imei,
            date: r.trip_date,
            started_at: r.started_at,
            ended_at: r.ended_at,
            duration_hours: r.duration_hours,
            distance_m: r.distance_m,
            site_path: r.site_path,
            gear_code: r.gear_code,
            habitat_code: r.habitat_code,
            boat_code: r.boat_code,
            is_valid: r.is_valid,
            flags,
            positions,
            matched_landing: matched.map(|m| (m.landing_id, m.landing_source_id)),
            imputation: imputed.map(|i| ImputedView {
                gear_code: i.gear_code,
                habitat_code: i.habitat_code,
                donor_landing_source_id: i.donor_landing_source_id,
                distance: i.distance,
                too_far: i.too_far,
            }),
        }))
    }

    fn vessel(&self, scope: &AccessScope, id: &str) -> Result<Option<VesselDetail>, StoreError> {
        #[derive(QueryableByName)]
        struct V {
            #[diesel(sql_type = Nullable<Text>)]
            name: Option<String>,
            #[diesel(sql_type = Nullable<Int2>)]
            boat_code: Option<i16>,
            #[diesel(sql_type = Nullable<Text>)]
            home_site_code: Option<String>,
            #[diesel(sql_type = Text)]
            site_path: String,
        }
        #[derive(QueryableByName)]
        struct D {
            #[diesel(sql_type = Text)]
            imei: String,
            #[diesel(sql_type = Date)]
            from_date: NaiveDate,
            #[diesel(sql_type = Nullable<Date>)]
            to_date: Option<NaiveDate>,
        }
        #[derive(QueryableByName)]
        struct Mo {
            #[diesel(sql_type = Date)]
            month: NaiveDate,
            #[diesel(sql_type = BigInt)]
            trips: i64,
            #[diesel(sql_type = BigInt)]
            valid_trips: i64,
            #[diesel(sql_type = BigInt)]
            matched_trips: i64,
            #[diesel(sql_type = BigInt)]
            active_days: i64,
        }
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let (exact, prefixes) = scope_patterns(scope);
        let v: Option<V> = diesel::sql_query(
            "SELECT name, boat_code, home_site_code, site_path FROM tracking.vessels
             WHERE id = $1 AND (site_path = ANY($2) OR site_path LIKE ANY($3))",
        )
        .bind::<Text, _>(id)
        .bind::<Array<Text>, _>(&exact)
        .bind::<Array<Text>, _>(&prefixes)
        .get_result(&mut *c)
        .optional()
        .map_err(store_err)?;
        let Some(v) = v else {
            return Ok(None);
        };
        let devices: Vec<D> = diesel::sql_query(
            "SELECT imei, from_date, to_date FROM tracking.deployments
             WHERE vessel_id = $1 ORDER BY from_date",
        )
        .bind::<Text, _>(id)
        .load(&mut *c)
        .map_err(store_err)?;
        let months: Vec<Mo> = diesel::sql_query(
            "SELECT date_trunc('month', t.trip_date)::date AS month, count(*) AS trips,
                    count(*) FILTER (WHERE t.is_valid) AS valid_trips,
                    count(m.trip_id) AS matched_trips,
                    count(DISTINCT t.trip_date) FILTER (WHERE t.is_valid) AS active_days
             FROM tracking.tracked_trips t
             LEFT JOIN spatial_catch.matches m ON m.trip_id = t.id
             WHERE t.vessel_id = $1 AND (t.site_path = ANY($2) OR t.site_path LIKE ANY($3))
             GROUP BY 1 ORDER BY 1",
        )
        .bind::<Text, _>(id)
        .bind::<Array<Text>, _>(&exact)
        .bind::<Array<Text>, _>(&prefixes)
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(Some(VesselDetail {
            id: id.to_string(),
            name: v.name,
            boat_code: v.boat_code,
            home_site_code: v.home_site_code,
            site_path: v.site_path,
            devices: devices
                .into_iter()
                .map(|d| (d.imei, d.from_date, d.to_date))
                .collect(),
            months: months
                .into_iter()
                .map(|m| VesselMonth {
                    month: m.month,
                    trips: m.trips,
                    valid_trips: m.valid_trips,
                    matched_trips: m.matched_trips,
                    active_days: m.active_days,
                })
                .collect(),
        }))
    }

    fn vessel_activity(&self, scope: &AccessScope) -> Result<Vec<VesselActivityRow>, StoreError> {
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Text)]
            vessel_id: String,
            #[diesel(sql_type = Nullable<Int2>)]
            boat_code: Option<i16>,
            #[diesel(sql_type = Text)]
            site_path: String,
            #[diesel(sql_type = Date)]
            month: NaiveDate,
            #[diesel(sql_type = BigInt)]
            trips: i64,
            #[diesel(sql_type = BigInt)]
            active_days: i64,
        }
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let (exact, prefixes) = scope_patterns(scope);
        let rows: Vec<R> = diesel::sql_query(
            "SELECT t.vessel_id, v.boat_code, v.site_path,
                    date_trunc('month', t.trip_date)::date AS month, count(*) AS trips,
                    count(DISTINCT t.trip_date) AS active_days
             FROM tracking.tracked_trips t JOIN tracking.vessels v ON v.id = t.vessel_id
             WHERE t.is_valid AND (t.site_path = ANY($1) OR t.site_path LIKE ANY($2))
             GROUP BY 1, 2, 3, 4 ORDER BY 1, 4",
        )
        .bind::<Array<Text>, _>(exact)
        .bind::<Array<Text>, _>(prefixes)
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| VesselActivityRow {
                vessel_id: r.vessel_id,
                boat_code: r.boat_code,
                site_path: r.site_path,
                month: r.month,
                trips: r.trips,
                active_days: r.active_days,
            })
            .collect())
    }

    fn exists_anywhere(&self, kind: &str, id: &str) -> Result<bool, StoreError> {
        #[derive(QueryableByName)]
        struct E {
            #[diesel(sql_type = Bool)]
            e: bool,
        }
        let mut c = self.pool.get().map_err(store_err)?;
        let r: E = diesel::sql_query("SELECT tracking.record_exists($1, $2) AS e")
            .bind::<Text, _>(kind)
            .bind::<Text, _>(id)
            .get_result(&mut c)
            .map_err(store_err)?;
        Ok(r.e)
    }
}
