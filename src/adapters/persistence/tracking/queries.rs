//! Read side of the tracking products over diesel. Each query runs in a read-only
//! transaction under the caller's scope (row-level security), and filters by the scope
//! itself as well. What spatial catch made of a trip (its match, its imputed gear) is read
//! from that context's published views.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{
    Array, BigInt, Bool, Date, Double, Int2, Jsonb, Nullable, Text, Timestamptz,
};
use uuid::Uuid;

use crate::adapters::persistence::shared::{PgPool, ScopedRead, scope_patterns, store_err};
use crate::application::shared::StoreError;
use crate::application::tracking::ports::{
    ImputedView, PositionView, TrackingQueries, TripDetail, VESSEL_TRIPS_SHOWN, VesselActivityRow,
    VesselDetail, VesselMonth, VesselTrip,
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

impl TrackingQueries for DieselTrackingQueries {
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
            #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
            donor_trip: Option<Uuid>,
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
            "SELECT landing_id, landing_source_id FROM spatial_catch.v1_trip_matches WHERE trip_id = $1",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .get_result(&mut *c)
        .optional()
        .map_err(store_err)?;
        let imputed: Option<I> = diesel::sql_query(
            // The donor trip is named only when row-level security lets the caller see it.
            "SELECT i.gear_code, i.habitat_code, i.donor_landing_source_id, d.id AS donor_trip,
                    i.distance, i.too_far
             FROM spatial_catch.v1_trip_imputations i
             LEFT JOIN tracking.tracked_trips d ON d.id = i.donor_trip_id
             WHERE i.trip_id = $1",
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
                donor: i.donor_trip.map(|t| (t, i.donor_landing_source_id)),
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
             LEFT JOIN spatial_catch.v1_trip_matches m ON m.trip_id = t.id
             WHERE t.vessel_id = $1 AND (t.site_path = ANY($2) OR t.site_path LIKE ANY($3))
             GROUP BY 1 ORDER BY 1",
        )
        .bind::<Text, _>(id)
        .bind::<Array<Text>, _>(&exact)
        .bind::<Array<Text>, _>(&prefixes)
        .load(&mut *c)
        .map_err(store_err)?;
        #[derive(QueryableByName)]
        struct T {
            #[diesel(sql_type = diesel::sql_types::Uuid)]
            id: uuid::Uuid,
            #[diesel(sql_type = Text)]
            source_trip_id: String,
            #[diesel(sql_type = Date)]
            trip_date: NaiveDate,
            #[diesel(sql_type = Nullable<diesel::sql_types::Float8>)]
            duration_hours: Option<f64>,
            #[diesel(sql_type = diesel::sql_types::Bool)]
            is_valid: bool,
            #[diesel(sql_type = Nullable<BigInt>)]
            landing_source_id: Option<i64>,
        }
        let trips: Vec<T> = diesel::sql_query(
            "SELECT t.id, t.source_trip_id, t.trip_date, t.duration_hours, t.is_valid,
                    m.landing_source_id
             FROM tracking.tracked_trips t
             LEFT JOIN spatial_catch.v1_trip_matches m ON m.trip_id = t.id
             WHERE t.vessel_id = $1 AND (t.site_path = ANY($2) OR t.site_path LIKE ANY($3))
             ORDER BY t.trip_date DESC, t.source_trip_id DESC LIMIT $4",
        )
        .bind::<Text, _>(id)
        .bind::<Array<Text>, _>(&exact)
        .bind::<Array<Text>, _>(&prefixes)
        .bind::<BigInt, _>(VESSEL_TRIPS_SHOWN)
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(Some(VesselDetail {
            trips: trips
                .into_iter()
                .map(|t| VesselTrip {
                    id: t.id,
                    source_trip_id: t.source_trip_id,
                    date: t.trip_date,
                    duration_hours: t.duration_hours,
                    is_valid: t.is_valid,
                    matched_landing: t.landing_source_id,
                })
                .collect(),
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
