//! The estimation context's storage: the fleet census in the `estimation` schema (written
//! in the unit of work), and the reads of the estimates under the caller's scope (its own
//! tables, geography's jurisdictions and the landings' monthly summaries through their
//! published views).

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Double, Integer, Nullable, Text};

use crate::adapters::persistence::shared::{Binds, DieselTx, PgPool, ScopedRead, kept, store_err};
use crate::application::estimation::ports::{
    BoatTypeCpue, EstimationLanding, EstimationQueries, EstimationTrip, EstimationTx,
    FleetCensusWrites, PeskasInputs, StoredCensusArea,
};
use crate::application::shared::{StoreError, Transaction};
use crate::domain::estimation::census::CensusArea;
use crate::domain::estimation::peskaas::FleetBoatType;
use crate::domain::shared::AccessScope;

#[derive(QueryableByName)]
struct CensusRow {
    #[diesel(sql_type = Text)]
    area: String,
    #[diesel(sql_type = Array<Text>)]
    jurisdiction_paths: Vec<String>,
    #[diesel(sql_type = Integer)]
    fishers: i32,
    #[diesel(sql_type = Integer)]
    canoes: i32,
    #[diesel(sql_type = Integer)]
    motor_johnson: i32,
    #[diesel(sql_type = Integer)]
    motor_ketinting: i32,
    #[diesel(sql_type = Integer)]
    motor_yamaha: i32,
    #[diesel(sql_type = Integer)]
    longline: i32,
}

impl CensusRow {
    fn stored(self) -> StoredCensusArea {
        let n = |v: i32| u32::try_from(v).unwrap_or(0);
        StoredCensusArea {
            area: CensusArea {
                area: self.area,
                fishers: n(self.fishers),
                canoes: n(self.canoes),
                motor_johnson: n(self.motor_johnson),
                motor_ketinting: n(self.motor_ketinting),
                motor_yamaha: n(self.motor_yamaha),
                longline: n(self.longline),
            },
            jurisdictions: self.jurisdiction_paths,
        }
    }
}

const CENSUS_COLUMNS: &str = "area, jurisdiction_paths, fishers, canoes, motor_johnson, \
                              motor_ketinting, motor_yamaha, longline";

fn count(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

impl FleetCensusWrites for DieselTx {
    fn municipality_path(&mut self, name: &str) -> Result<Option<String>, StoreError> {
        #[derive(QueryableByName)]
        struct P {
            #[diesel(sql_type = Text)]
            path: String,
        }
        let found: Option<P> = kept(
            "SELECT path FROM geography.v1_jurisdictions
             WHERE kind = 'municipality' AND lower(name) = lower($1)
             ORDER BY path LIMIT 1",
        )
        .text(name)
        .get_result(self.conn())
        .optional()
        .map_err(store_err)?;
        Ok(found.map(|p| p.path))
    }

    fn store_area(&mut self, a: &StoredCensusArea, source: &str) -> Result<bool, StoreError> {
        let c = self.conn();
        let existing: Option<CensusRow> = diesel::sql_query(format!(
            "SELECT {CENSUS_COLUMNS} FROM estimation.fleet_census WHERE area = $1 FOR UPDATE"
        ))
        .bind::<Text, _>(&a.area.area)
        .get_result(c)
        .optional()
        .map_err(store_err)?;
        if let Some(row) = existing {
            if row.stored() == *a {
                return Ok(false);
            }
            kept(
                "INSERT INTO estimation.fleet_census_history
                 SELECT *, now() FROM estimation.fleet_census WHERE area = $1",
            )
            .text(a.area.area.clone())
            .execute(c)
            .map_err(store_err)?;
        }
        kept(
            "INSERT INTO estimation.fleet_census
               (area, jurisdiction_paths, fishers, canoes, motor_johnson, motor_ketinting,
                motor_yamaha, longline, source, imported_at, imported_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (area) DO UPDATE SET
               jurisdiction_paths = excluded.jurisdiction_paths, fishers = excluded.fishers,
               canoes = excluded.canoes, motor_johnson = excluded.motor_johnson,
               motor_ketinting = excluded.motor_ketinting, motor_yamaha = excluded.motor_yamaha,
               longline = excluded.longline, source = excluded.source,
               imported_at = excluded.imported_at, imported_by = excluded.imported_by",
        )
        .text(a.area.area.clone())
        .text_array(a.jurisdictions.clone())
        .integer(count(a.area.fishers))
        .integer(count(a.area.canoes))
        .integer(count(a.area.motor_johnson))
        .integer(count(a.area.motor_ketinting))
        .integer(count(a.area.motor_yamaha))
        .integer(count(a.area.longline))
        .text(source)
        .timestamptz(Utc::now())
        .text(self.caller().actor().to_string())
        .execute(self.conn())
        .map_err(store_err)?;
        Ok(true)
    }
}

impl EstimationTx for DieselTx {
    fn census(&mut self) -> &mut dyn FleetCensusWrites {
        self
    }
}

/// The estimates' reads over the application role's pool, under the caller's scope.
pub struct DieselEstimationQueries {
    pool: PgPool,
}

impl DieselEstimationQueries {
    /// Reads on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselEstimationQueries { pool }
    }
}

impl EstimationQueries for DieselEstimationQueries {
    fn census(&self, scope: &AccessScope) -> Result<Vec<StoredCensusArea>, StoreError> {
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let rows: Vec<CensusRow> = kept(
            "SELECT area, jurisdiction_paths, fishers, canoes, motor_johnson, motor_ketinting,
                    motor_yamaha, longline
             FROM estimation.fleet_census ORDER BY area",
        )
        .load(&mut **c)
        .map_err(store_err)?;
        Ok(rows.into_iter().map(CensusRow::stored).collect())
    }

    fn boat_type_cpue(&self, scope: &AccessScope) -> Result<Vec<BoatTypeCpue>, StoreError> {
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Date)]
            month: NaiveDate,
            #[diesel(sql_type = Nullable<Text>)]
            boat_type: Option<String>,
            #[diesel(sql_type = Double)]
            cpue: f64,
            #[diesel(sql_type = BigInt)]
            landings: i64,
        }
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let rows: Vec<R> = kept(
            "SELECT month, boat_type, cpue, landings::int8 AS landings
             FROM landings.v1_monthly_summaries
             WHERE scope = 'boat_type' ORDER BY month, boat_type",
        )
        .load(&mut **c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let boat_type = match r.boat_type.as_deref()? {
                    "canoe" => FleetBoatType::Canoe,
                    "motor" => FleetBoatType::Motor,
                    _ => return None,
                };
                Some(BoatTypeCpue {
                    month: r.month,
                    boat_type,
                    cpue: r.cpue,
                    landings: r.landings,
                })
            })
            .collect())
    }
}

impl PeskasInputs for DieselEstimationQueries {
    fn landings(&self, scope: &AccessScope) -> Result<Vec<EstimationLanding>, StoreError> {
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Text)]
            site_path: String,
            #[diesel(sql_type = Date)]
            month: NaiveDate,
            #[diesel(sql_type = Double)]
            catch_kg: f64,
            #[diesel(sql_type = Nullable<Double>)]
            value_usd: Option<f64>,
        }
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let rows: Vec<R> = kept(
            "SELECT site_path, date_trunc('month', landing_date)::date AS month, catch_kg,
                    summary_value_usd AS value_usd
             FROM landings.v2_validated_landings
             WHERE counts_in_summaries AND landing_date IS NOT NULL",
        )
        .load(&mut **c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| EstimationLanding {
                site_path: r.site_path,
                month: r.month,
                catch_kg: r.catch_kg,
                value_usd: r.value_usd,
            })
            .collect())
    }

    fn trips(&self, scope: &AccessScope) -> Result<Vec<EstimationTrip>, StoreError> {
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Text)]
            device: String,
            #[diesel(sql_type = Text)]
            site_path: String,
            #[diesel(sql_type = Date)]
            month: NaiveDate,
            #[diesel(sql_type = Text)]
            trip: String,
        }
        let mut c = ScopedRead::open(&self.pool, scope)?;
        let rows: Vec<R> = kept(
            "SELECT imei AS device, site_path,
                    date_trunc('month', trip_date)::date AS month, id::text AS trip
             FROM tracking.v1_tracked_trips
             WHERE is_valid AND imei IS NOT NULL AND imei <> '' AND trip_date IS NOT NULL",
        )
        .load(&mut **c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| EstimationTrip {
                device: r.device,
                site_path: r.site_path,
                month: r.month,
                trip: r.trip,
            })
            .collect())
    }
}
