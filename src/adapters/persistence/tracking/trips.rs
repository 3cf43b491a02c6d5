//! The tracking context's writes on the unit of work's transaction: imports of tracked
//! trips, and their reassessment on their positions.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use uuid::Uuid;

use crate::adapters::persistence::geography::single_country;
use crate::adapters::persistence::shared::{DieselTx, store_err, unreadable};
use crate::adapters::persistence::tracking::positions::position_writer;
use crate::adapters::persistence::tracking::schema as t;
use crate::application::shared::{RejectedRow, StoreError};
use crate::application::tracking::assess_tracks::{SAMPLES, evenly_spaced};
use crate::application::tracking::ports::{
    AssessedTrip, SitePlace, StoredTrack, TrackAssessment, TrackAssessments, TrackedTripImports,
    TrackingImportRecord, TrackingTx,
};
use crate::application::tracking::position_ports::PositionImports;
use crate::domain::shared::{LatLon, MultiPolygon};
use crate::domain::tracking::{
    Imei, NewTrackedTrip, PESKAS_TRACKS, Position, Severity, SourceTripId, TrackSource,
    TrackedTrip, TrackedTripId, TripTimes, VesselId,
};

/// Rows per INSERT statement (PostgreSQL allows 65,535 bind parameters; 28 per trip).
const CHUNK: usize = 1000;

#[derive(Insertable)]
#[diesel(table_name = t::tracked_trips)]
struct NewTrip {
    id: Uuid,
    source: String,
    source_trip_id: String,
    fingerprint: String,
    import_id: Uuid,
    vessel_id: Option<String>,
    imei: Option<String>,
    trip_date: NaiveDate,
    started_at: Option<chrono::DateTime<chrono::Utc>>,
    ended_at: Option<chrono::DateTime<chrono::Utc>>,
    duration_hours: Option<f64>,
    distance_m: Option<f64>,
    site_code: Option<String>,
    site_path: String,
    municipality: Option<String>,
    boat_code: Option<i16>,
    gear_code: Option<i16>,
    habitat_code: Option<i16>,
    source_landing_id: Option<i64>,
    donor_source_trip_id: Option<String>,
    donor_distance: Option<f64>,
    sample_lat: Vec<f64>,
    sample_lon: Vec<f64>,
    rule_set: String,
    is_valid: bool,
    error_count: i32,
    warning_count: i32,
    flags: serde_json::Value,
}

fn new_trip(import_id: Uuid, a: &AssessedTrip<'_>) -> Result<NewTrip, StoreError> {
    let s = a.source;
    let trip = &s.trip;
    let positions: Vec<_> = trip.positions().iter().map(|p| p.at()).collect();
    let sampled = evenly_spaced(&positions, SAMPLES);
    let errors = a
        .flags
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count() as i32;
    Ok(NewTrip {
        id: trip.id().0,
        source: trip.source().key().to_string(),
        source_trip_id: trip.source_trip_id().to_string(),
        fingerprint: s.fingerprint.clone(),
        import_id,
        vessel_id: Some(trip.vessel().as_str().to_string()),
        imei: trip.imei().map(|i| i.as_str().to_string()),
        trip_date: s.landing_date,
        started_at: trip.times().start(),
        ended_at: trip.times().end(),
        duration_hours: trip.duration_hours(),
        distance_m: trip.distance_m(),
        site_code: s.site_code.clone(),
        site_path: a.site_path.clone(),
        municipality: a.municipality.clone(),
        boat_code: s.boat_code,
        gear_code: s.gear_code,
        habitat_code: s.habitat_code,
        source_landing_id: s.source_landing_id,
        donor_source_trip_id: s.donor.as_ref().map(|d| d.0.clone()),
        donor_distance: s.donor.as_ref().map(|d| d.1),
        sample_lat: sampled.iter().map(|p| p.lat()).collect(),
        sample_lon: sampled.iter().map(|p| p.lon()).collect(),
        rule_set: PESKAS_TRACKS.to_string(),
        is_valid: a.is_valid(),
        error_count: errors,
        warning_count: a.flags.len() as i32 - errors,
        flags: serde_json::to_value(&a.flags).map_err(store_err)?,
    })
}

/// The municipality boundaries (geography's published view), as the land of the on-land
/// rule.
fn load_land(conn: &mut PgConnection) -> Result<Vec<MultiPolygon>, StoreError> {
    #[derive(QueryableByName)]
    struct B {
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        boundary: serde_json::Value,
    }
    let rows: Vec<B> = diesel::sql_query(
        "SELECT boundary FROM geography.v1_boundaries WHERE kind = 'municipality'",
    )
    .load(conn)
    .map_err(store_err)?;
    let mut land = Vec::new();
    for r in rows {
        let rings: Vec<Vec<Vec<(f64, f64)>>> =
            serde_json::from_value(r.boundary).map_err(store_err)?;
        land.push(MultiPolygon::from_rings(rings).map_err(unreadable)?);
    }
    Ok(land)
}

#[derive(QueryableByName)]
struct PathRow {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    path: String,
}

impl TrackedTripImports for DieselTx {
    fn land(&mut self) -> Result<Vec<MultiPolygon>, StoreError> {
        load_land(self.conn())
    }

    fn sites(&mut self) -> Result<(HashMap<String, SitePlace>, Option<String>), StoreError> {
        let rows: Vec<PathRow> = diesel::sql_query(
            "SELECT coalesce(source_code, name) AS code, path FROM geography.v1_jurisdictions
             WHERE kind = 'landing_site'
             UNION ALL
             SELECT name AS code, path FROM geography.v1_jurisdictions
             WHERE kind = 'landing_site' AND source_code IS NOT NULL AND source_code <> name",
        )
        .load(self.conn())
        .map_err(store_err)?;
        let sites = rows
            .into_iter()
            .map(|r| {
                let parts: Vec<&str> = r.path.split('/').collect();
                let municipality = (parts.len() == 3).then(|| parts[1].to_string());
                (r.code, (r.path, municipality))
            })
            .collect();
        let country = single_country(self.conn())?;
        Ok((sites, country))
    }

    fn trip_fingerprints(&mut self, source: &str) -> Result<HashMap<String, String>, StoreError> {
        let rows: Vec<(String, String)> = t::tracked_trips::table
            .filter(t::tracked_trips::source.eq(source))
            .select((
                t::tracked_trips::source_trip_id,
                t::tracked_trips::fingerprint,
            ))
            .load(self.conn())
            .map_err(store_err)?;
        Ok(rows.into_iter().collect())
    }

    fn write_trips(
        &mut self,
        import_id: Uuid,
        trips: &[AssessedTrip<'_>],
    ) -> Result<(), StoreError> {
        let rows = trips
            .iter()
            .map(|a| new_trip(import_id, a))
            .collect::<Result<Vec<_>, _>>()?;
        // Vessels, devices and deployments first (deployments refer to both).
        // vessel → (boat type, trips per site code, a site path to fall back on)
        type VesselSeen<'a> = (
            Option<i16>,
            BTreeMap<&'a str, usize>,
            &'a str,
            Option<&'a str>,
        );
        let mut vessels: BTreeMap<&str, VesselSeen<'_>> = BTreeMap::new();
        let mut deployments: BTreeMap<(&str, &str), (NaiveDate, NaiveDate)> = BTreeMap::new();
        let mut device_ids: BTreeMap<&str, &str> = BTreeMap::new();
        for (a, r) in trips.iter().zip(&rows) {
            let v = vessels.entry(a.source.trip.vessel().as_str()).or_insert((
                None,
                BTreeMap::new(),
                a.site_path.as_str(),
                None,
            ));
            v.0 = v.0.or(r.boat_code);
            v.3 = v.3.or(a.source.vessel_name.as_deref());
            if let Some(code) = r.site_code.as_deref() {
                *v.1.entry(code).or_default() += 1;
            }
            if let (Some(imei), Some(device)) = (r.imei.as_deref(), a.source.device_id.as_deref()) {
                device_ids.insert(imei, device);
            }
            if let (Some(imei), Some(vessel)) = (r.imei.as_deref(), r.vessel_id.as_deref()) {
                let d = deployments
                    .entry((imei, vessel))
                    .or_insert((r.trip_date, r.trip_date));
                d.0 = d.0.min(r.trip_date);
                d.1 = d.1.max(r.trip_date);
            }
        }
        let paths: HashMap<&str, &str> = trips
            .iter()
            .filter_map(|a| {
                a.source
                    .site_code
                    .as_deref()
                    .map(|c| (c, a.site_path.as_str()))
            })
            .collect();
        for (id, (boat, sites, fallback, name)) in &vessels {
            // Home site: where most of its trips start from.
            let home = sites.iter().max_by_key(|(_, n)| **n).map(|(c, _)| *c);
            let site_path = home.and_then(|c| paths.get(c).copied()).unwrap_or(fallback);
            diesel::insert_into(t::vessels::table)
                .values((
                    t::vessels::id.eq(id),
                    t::vessels::name.eq(name),
                    t::vessels::boat_code.eq(boat),
                    t::vessels::home_site_code.eq(home),
                    t::vessels::site_path.eq(site_path),
                ))
                .on_conflict(t::vessels::id)
                .do_update()
                .set((
                    t::vessels::name.eq(diesel::dsl::sql::<diesel::sql_types::Nullable<Text>>(
                        "coalesce(excluded.name, tracking.vessels.name)",
                    )),
                    t::vessels::boat_code.eq(diesel::dsl::sql::<
                        diesel::sql_types::Nullable<diesel::sql_types::Int2>,
                    >(
                        "coalesce(excluded.boat_code, tracking.vessels.boat_code)",
                    )),
                    t::vessels::home_site_code.eq(home),
                    t::vessels::site_path.eq(site_path),
                ))
                .execute(self.conn())
                .map_err(store_err)?;
        }
        for ((imei, vessel), (from, to)) in &deployments {
            let device_id = device_ids.get(imei).copied();
            diesel::insert_into(t::devices::table)
                .values((
                    t::devices::imei.eq(imei),
                    t::devices::source_device_id.eq(device_id),
                ))
                .on_conflict(t::devices::imei)
                .do_update()
                .set(t::devices::source_device_id.eq(diesel::dsl::sql::<
                    diesel::sql_types::Nullable<Text>,
                >(
                    "coalesce(excluded.source_device_id, tracking.devices.source_device_id)",
                )))
                .execute(self.conn())
                .map_err(store_err)?;
            diesel::sql_query(
                "INSERT INTO tracking.deployments (imei, vessel_id, from_date, to_date)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (imei, vessel_id) DO UPDATE
                 SET from_date = least(tracking.deployments.from_date, excluded.from_date),
                     to_date = greatest(tracking.deployments.to_date, excluded.to_date)",
            )
            .bind::<Text, _>(imei)
            .bind::<Text, _>(vessel)
            .bind::<diesel::sql_types::Date, _>(from)
            .bind::<diesel::sql_types::Date, _>(to)
            .execute(self.conn())
            .map_err(store_err)?;
        }
        // Changed trips are replaced whole.
        let mut by_source: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for r in &rows {
            by_source
                .entry(r.source.as_str())
                .or_default()
                .push(r.source_trip_id.as_str());
        }
        for (source, ids) in by_source {
            diesel::delete(
                t::tracked_trips::table
                    .filter(t::tracked_trips::source.eq(source))
                    .filter(t::tracked_trips::source_trip_id.eq_any(ids)),
            )
            .execute(self.conn())
            .map_err(store_err)?;
        }
        for chunk in rows.chunks(CHUNK) {
            diesel::insert_into(t::tracked_trips::table)
                .values(chunk)
                .execute(self.conn())
                .map_err(store_err)?;
        }
        Ok(())
    }

    fn record_import(
        &mut self,
        r: &TrackingImportRecord,
        rejected: &[RejectedRow],
    ) -> Result<(), StoreError> {
        diesel::insert_into(t::imports::table)
            .values((
                t::imports::id.eq(r.id),
                t::imports::source.eq(&r.source),
                t::imports::location.eq(&r.location),
                t::imports::started_at.eq(r.started_at),
                t::imports::finished_at.eq(r.finished_at),
                t::imports::started_by.eq(&r.started_by),
                t::imports::counts.eq(serde_json::to_value(&r.counts).map_err(store_err)?),
                t::imports::jurisdiction_path.eq(&r.jurisdiction),
            ))
            .execute(self.conn())
            .map_err(store_err)?;
        for chunk in rejected.chunks(CHUNK) {
            let values: Vec<_> = chunk
                .iter()
                .map(|x| {
                    (
                        t::rejected_rows::import_id.eq(r.id),
                        t::rejected_rows::file.eq(&x.file),
                        t::rejected_rows::line.eq(x.line as i64),
                        t::rejected_rows::column_name.eq(x.column.as_deref()),
                        t::rejected_rows::reason.eq(&x.reason),
                        t::rejected_rows::raw.eq(&x.raw),
                    )
                })
                .collect();
            diesel::insert_into(t::rejected_rows::table)
                .values(values)
                .execute(self.conn())
                .map_err(store_err)?;
        }
        Ok(())
    }
}

#[derive(QueryableByName)]
struct StoredTripRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    source_trip_id: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    vessel_id: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    imei: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Date)]
    trip_date: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    started_at: Option<chrono::DateTime<chrono::Utc>>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    ended_at: Option<chrono::DateTime<chrono::Utc>>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    duration_hours: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    distance_m: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    flags: serde_json::Value,
}

#[derive(QueryableByName)]
struct PointRow {
    #[diesel(sql_type = Text)]
    trip_source_id: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    at: chrono::DateTime<chrono::Utc>,
    #[diesel(sql_type = diesel::sql_types::Double)]
    lat: f64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    lon: f64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Float4>)]
    speed_mps: Option<f32>,
}

fn stored_track(r: StoredTripRow, points: Vec<Position>) -> Result<StoredTrack, StoreError> {
    let times = match r.started_at {
        Some(start) => TripTimes::timed(start, r.ended_at).map_err(unreadable)?,
        None => TripTimes::date_only(r.trip_date),
    };
    let trip = TrackedTrip::with_id(
        TrackedTripId(r.id),
        NewTrackedTrip {
            source: TrackSource::Pds,
            source_trip_id: SourceTripId::parse(&r.source_trip_id).map_err(unreadable)?,
            vessel: VesselId::parse(r.vessel_id.as_deref().unwrap_or_default())
                .map_err(unreadable)?,
            imei: r
                .imei
                .as_deref()
                .map(Imei::parse)
                .transpose()
                .map_err(unreadable)?,
            times,
            duration_hours: r.duration_hours,
            distance_m: r.distance_m,
            positions: points,
        },
    )
    .map_err(unreadable)?;
    Ok(StoredTrack {
        id: r.id,
        trip,
        flags: serde_json::from_value(r.flags).map_err(store_err)?,
    })
}

impl TrackAssessments for DieselTx {
    fn land(&mut self) -> Result<Vec<MultiPolygon>, StoreError> {
        load_land(self.conn())
    }

    fn tracks(&mut self, source_ids: &[String]) -> Result<Vec<StoredTrack>, StoreError> {
        let c = self.conn();
        let trips: Vec<StoredTripRow> = diesel::sql_query(
            "SELECT id, source_trip_id, vessel_id, imei, trip_date, started_at, ended_at,
                    duration_hours, distance_m, flags
             FROM tracking.tracked_trips WHERE source = 'pds' AND source_trip_id = ANY($1)",
        )
        .bind::<diesel::sql_types::Array<Text>, _>(source_ids)
        .load(c)
        .map_err(store_err)?;
        if trips.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = trips.iter().map(|t| t.source_trip_id.as_str()).collect();
        let points: Vec<PointRow> = diesel::sql_query(
            "SELECT trip_source_id, at, lat, lon, speed_mps FROM tracking.positions
             WHERE trip_source_id = ANY($1) ORDER BY trip_source_id, at",
        )
        .bind::<diesel::sql_types::Array<Text>, _>(&ids)
        .load(c)
        .map_err(store_err)?;
        let mut by_trip: HashMap<String, Vec<Position>> = HashMap::new();
        for p in points {
            let at = LatLon::new(p.lat, p.lon).map_err(unreadable)?;
            let position =
                Position::new(Some(p.at), at, p.speed_mps.map(f64::from)).map_err(unreadable)?;
            by_trip.entry(p.trip_source_id).or_default().push(position);
        }
        trips
            .into_iter()
            .filter_map(|t| {
                let points = by_trip.remove(&t.source_trip_id)?;
                Some(stored_track(t, points))
            })
            .collect()
    }

    fn store(&mut self, id: Uuid, a: &TrackAssessment) -> Result<(), StoreError> {
        let c = self.conn();
        let errors = a
            .flags
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count() as i32;
        diesel::update(t::tracked_trips::table.find(id))
            .set((
                t::tracked_trips::flags.eq(serde_json::to_value(&a.flags).map_err(store_err)?),
                t::tracked_trips::is_valid.eq(errors == 0),
                t::tracked_trips::error_count.eq(errors),
                t::tracked_trips::warning_count.eq(a.flags.len() as i32 - errors),
                t::tracked_trips::sample_lat.eq(a
                    .samples
                    .iter()
                    .map(|p| p.lat())
                    .collect::<Vec<_>>()),
                t::tracked_trips::sample_lon.eq(a
                    .samples
                    .iter()
                    .map(|p| p.lon())
                    .collect::<Vec<_>>()),
                t::tracked_trips::distance_m.eq(a.distance_m),
            ))
            .execute(c)
            .map_err(store_err)?;
        Ok(())
    }
}

impl TrackingTx for DieselTx {
    fn trips(&mut self) -> &mut dyn TrackedTripImports {
        self
    }

    fn assessments(&mut self) -> &mut dyn TrackAssessments {
        self
    }

    fn positions(&mut self) -> Result<Box<dyn PositionImports + '_>, StoreError> {
        position_writer(self.conn())
    }
}
