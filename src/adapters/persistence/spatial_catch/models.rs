//! The spatial-catch read models on the unit of work's transaction: read from the landings
//! and tracking contexts' published views (never their tables), replaced whole.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Double, Int2, Integer, Nullable, Text};
use uuid::Uuid;

use crate::adapters::persistence::geography::single_country;
use crate::adapters::persistence::shared::{DieselTx, store_err};
use crate::application::shared::StoreError;
use crate::application::spatial_catch::refresh::{
    LandingView, SpatialCatchModels, SpatialCatchStore, SpatialCatchTx, TripView,
};
use crate::domain::shared::{Kilograms, LatLon};
use crate::domain::spatial_catch::{LandingForMatch, TripForMatch};

#[derive(QueryableByName)]
struct LandingRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = BigInt)]
    source_id: i64,
    #[diesel(sql_type = Date)]
    landing_date: NaiveDate,
    #[diesel(sql_type = Text)]
    site_path: String,
    #[diesel(sql_type = Nullable<Text>)]
    municipality: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    imei: Option<String>,
    #[diesel(sql_type = Nullable<Int2>)]
    gear_code: Option<i16>,
    #[diesel(sql_type = Nullable<Int2>)]
    habitat_code: Option<i16>,
    #[diesel(sql_type = Nullable<Double>)]
    catch_kg: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    effort_fisher_hours: Option<f64>,
}

#[derive(QueryableByName)]
struct TripRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    source_trip_id: String,
    #[diesel(sql_type = Date)]
    trip_date: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    imei: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    municipality: Option<String>,
    #[diesel(sql_type = Nullable<Int2>)]
    boat_code: Option<i16>,
    #[diesel(sql_type = Text)]
    site_path: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    source_landing_id: Option<i64>,
    #[diesel(sql_type = Array<Double>)]
    sample_lat: Vec<f64>,
    #[diesel(sql_type = Array<Double>)]
    sample_lon: Vec<f64>,
}

impl SpatialCatchStore for DieselTx {
    fn landings(&mut self) -> Result<Vec<LandingView>, StoreError> {
        let rows: Vec<LandingRow> = diesel::sql_query(
            "SELECT id, source_id, landing_date, site_path, municipality, imei, gear_code,
                    habitat_code, catch_kg, effort_fisher_hours
             FROM landings.v1_landing_trackers",
        )
        .load(self.conn())
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| LandingView {
                landing: LandingForMatch {
                    landing_id: r.id,
                    source_id: r.source_id,
                    date: r.landing_date,
                    imei: r.imei,
                    municipality: r.municipality,
                    gear_code: r.gear_code,
                    habitat_code: r.habitat_code,
                    catch: r.catch_kg.and_then(|k| Kilograms::new(k).ok()),
                    effort_fisher_hours: r.effort_fisher_hours,
                },
                site_path: r.site_path,
            })
            .collect())
    }

    fn trips(&mut self) -> Result<Vec<TripView>, StoreError> {
        let rows: Vec<TripRow> = diesel::sql_query(
            "SELECT id, source_trip_id, trip_date, imei, municipality, boat_code, site_path,
                    source_landing_id, sample_lat, sample_lon
             FROM tracking.v1_tracked_trips WHERE is_valid",
        )
        .load(self.conn())
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                // Spatial catch keys trips by a numeric source id (PeskAAS and PDS ids are).
                let source_id = r.source_trip_id.parse::<i64>().ok()?;
                let positions = r
                    .sample_lat
                    .iter()
                    .zip(&r.sample_lon)
                    .filter_map(|(lat, lon)| LatLon::new(*lat, *lon).ok())
                    .collect();
                Some(TripView {
                    trip: TripForMatch {
                        trip_id: r.id,
                        source_id,
                        date: r.trip_date,
                        imei: r.imei,
                        municipality: r.municipality,
                        boat_code: r.boat_code,
                        positions,
                    },
                    site_path: r.site_path,
                    source_link: r.source_landing_id,
                })
            })
            .collect())
    }

    fn country(&mut self) -> Result<Option<String>, StoreError> {
        single_country(self.conn())
    }

    fn replace(&mut self, m: &SpatialCatchModels) -> Result<(), StoreError> {
        let c = self.conn();
        (|| -> Result<(), diesel::result::Error> {
            for t in ["matches", "imputations", "match_rates", "effort_cells"] {
                diesel::sql_query(format!("DELETE FROM spatial_catch.{t}")).execute(c)?;
            }
            diesel::sql_query(
                "INSERT INTO spatial_catch.matches (landing_id, trip_id, landing_source_id,
                        trip_source_id, imei, match_date, via, site_path)
                 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int8[], $4::int8[], $5::text[],
                                      $6::date[], $7::text[], $8::text[])",
            )
            .bind::<Array<diesel::sql_types::Uuid>, _>(
                m.matches.iter().map(|x| x.0.landing_id).collect::<Vec<_>>(),
            )
            .bind::<Array<diesel::sql_types::Uuid>, _>(
                m.matches.iter().map(|x| x.0.trip_id).collect::<Vec<_>>(),
            )
            .bind::<Array<BigInt>, _>(
                m.matches
                    .iter()
                    .map(|x| x.0.landing_source_id)
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<BigInt>, _>(
                m.matches
                    .iter()
                    .map(|x| x.0.trip_source_id)
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Text>, _>(
                m.matches
                    .iter()
                    .map(|x| x.0.imei.as_str().to_string())
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Date>, _>(m.matches.iter().map(|x| x.0.date).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(
                m.matches
                    .iter()
                    .map(|x| x.0.via.key().to_string())
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Text>, _>(m.matches.iter().map(|x| x.1.clone()).collect::<Vec<_>>())
            .execute(c)?;
            let imp = &m.imputations;
            diesel::sql_query(
                "INSERT INTO spatial_catch.imputations (trip_id, donor_trip_id,
                        donor_landing_source_id, gear_code, habitat_code, distance, too_far,
                        site_path)
                 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int8[], $4::int2[], $5::int2[],
                                      $6::float8[], $7::bool[], $8::text[])",
            )
            .bind::<Array<diesel::sql_types::Uuid>, _>(
                imp.iter().map(|x| x.0.trip_id).collect::<Vec<_>>(),
            )
            .bind::<Array<diesel::sql_types::Uuid>, _>(
                imp.iter().map(|x| x.0.donor_trip_id).collect::<Vec<_>>(),
            )
            .bind::<Array<BigInt>, _>(
                imp.iter()
                    .map(|x| x.0.donor_landing_source_id)
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Nullable<Int2>>, _>(imp.iter().map(|x| x.0.gear_code).collect::<Vec<_>>())
            .bind::<Array<Nullable<Int2>>, _>(
                imp.iter().map(|x| x.0.habitat_code).collect::<Vec<_>>(),
            )
            .bind::<Array<Double>, _>(imp.iter().map(|x| x.0.distance).collect::<Vec<_>>())
            .bind::<Array<Bool>, _>(imp.iter().map(|x| x.0.too_far).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(imp.iter().map(|x| x.1.clone()).collect::<Vec<_>>())
            .execute(c)?;
            for (r, path) in &m.rates {
                diesel::sql_query(
                    "INSERT INTO spatial_catch.match_rates (month, municipality,
                            landings_with_tracker, landings_matched, trips, trips_matched,
                            jurisdiction_path)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind::<Date, _>(r.month.first_day())
                .bind::<Nullable<Text>, _>(r.municipality.as_deref())
                .bind::<Integer, _>(r.landings_with_tracker as i32)
                .bind::<Integer, _>(r.landings_matched as i32)
                .bind::<Integer, _>(r.trips as i32)
                .bind::<Integer, _>(r.trips_matched as i32)
                .bind::<Text, _>(path)
                .execute(c)?;
            }
            for scoped in &m.cells {
                let cells = &scoped.cells;
                diesel::sql_query(
                    "INSERT INTO spatial_catch.effort_cells (jurisdiction_path, municipality,
                            month, cell_row, cell_col, gear_code, boat_code, trips,
                            matched_trips, imputed_gear_trips, catch_kg, effort_fisher_hours,
                            cpue)
                     SELECT $1, $2, * FROM unnest($3::date[], $4::int4[], $5::int4[],
                            $6::int2[], $7::int2[], $8::int4[], $9::int4[], $10::int4[],
                            $11::float8[], $12::float8[], $13::float8[])",
                )
                .bind::<Text, _>(&scoped.jurisdiction_path)
                .bind::<Nullable<Text>, _>(scoped.municipality.as_deref())
                .bind::<Array<Date>, _>(
                    cells
                        .iter()
                        .map(|x| x.month.first_day())
                        .collect::<Vec<_>>(),
                )
                .bind::<Array<Integer>, _>(cells.iter().map(|x| x.cell.row()).collect::<Vec<_>>())
                .bind::<Array<Integer>, _>(cells.iter().map(|x| x.cell.col()).collect::<Vec<_>>())
                .bind::<Array<Nullable<Int2>>, _>(
                    cells.iter().map(|x| x.gear_code).collect::<Vec<_>>(),
                )
                .bind::<Array<Nullable<Int2>>, _>(
                    cells.iter().map(|x| x.boat_code).collect::<Vec<_>>(),
                )
                .bind::<Array<Integer>, _>(cells.iter().map(|x| x.trips as i32).collect::<Vec<_>>())
                .bind::<Array<Integer>, _>(
                    cells
                        .iter()
                        .map(|x| x.matched_trips as i32)
                        .collect::<Vec<_>>(),
                )
                .bind::<Array<Integer>, _>(
                    cells
                        .iter()
                        .map(|x| x.imputed_gear_trips as i32)
                        .collect::<Vec<_>>(),
                )
                .bind::<Array<Double>, _>(cells.iter().map(|x| x.catch_kg).collect::<Vec<_>>())
                .bind::<Array<Double>, _>(
                    cells
                        .iter()
                        .map(|x| x.effort_fisher_hours)
                        .collect::<Vec<_>>(),
                )
                .bind::<Array<Nullable<Double>>, _>(
                    cells.iter().map(|x| x.cpue).collect::<Vec<_>>(),
                )
                .execute(c)?;
            }
            let a = &m.agreement;
            diesel::sql_query(
                "INSERT INTO spatial_catch.runs (landings, trips, matches, reference_links,
                        true_positives, precision, recall, donors, gear_accuracy,
                        habitat_accuracy, imputed)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind::<Integer, _>(m.landings as i32)
            .bind::<Integer, _>(m.trips as i32)
            .bind::<Integer, _>(m.matches.len() as i32)
            .bind::<Integer, _>(m.reference_links as i32)
            .bind::<Integer, _>(a.true_positives as i32)
            .bind::<Nullable<Double>, _>(a.precision)
            .bind::<Nullable<Double>, _>(a.recall)
            .bind::<Integer, _>(m.accuracy.n as i32)
            .bind::<Nullable<Double>, _>(m.accuracy.gear)
            .bind::<Nullable<Double>, _>(m.accuracy.habitat)
            .bind::<Integer, _>(m.imputations.len() as i32)
            .execute(c)?;
            Ok(())
        })()
        .map_err(store_err)
    }
}

impl SpatialCatchTx for DieselTx {
    fn models(&mut self) -> &mut dyn SpatialCatchStore {
        self
    }
}
