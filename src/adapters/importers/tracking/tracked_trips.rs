//! Anti-corruption layer for PeskAAS `tracked_trips.csv` (one GPS-tracked trip per row,
//! ten positions sampled along it; README of `../shared/data/peskaas`).
//!
//! Columns: `PDS_trip, date, boat_id, IMEI, boat_code, station_code, trip_id, gear_code,
//! habitat_code, donor_tripid, donor_distance, lat1…lat10, lng1…lng10`. A row that cannot
//! be read is refused with its line, column and reason; the others are imported.

use std::path::Path;

use crate::adapters::importers::shared::csv_fields::{
    FieldError, Fnv, Header, for_each_record, raw_line,
};
use crate::application::shared::RejectedRow;
use crate::application::shared::SourceFileError;
use crate::application::tracking::import_trips::TripBatch;
use crate::application::tracking::ports::SourceTrip;
use crate::domain::shared::LatLon;
use crate::domain::tracking::{
    Imei, NewTrackedTrip, Position, SourceTripId, TrackSource, TrackedTrip, TripTimes, VesselId,
};

/// The file's name in a PeskAAS directory.
pub const FILE: &str = "tracked_trips.csv";
/// Positions per row.
pub const SAMPLES: usize = 10;

const COLUMNS: [&str; 11] = [
    "PDS_trip",
    "date",
    "boat_id",
    "IMEI",
    "boat_code",
    "station_code",
    "trip_id",
    "gear_code",
    "habitat_code",
    "donor_tripid",
    "donor_distance",
];

fn reject(line: u64, rec: &csv::StringRecord, e: FieldError) -> RejectedRow {
    RejectedRow {
        file: FILE.into(),
        line,
        column: Some(e.column),
        reason: e.reason,
        raw: raw_line(rec),
    }
}

fn field(column: &str, reason: impl Into<String>) -> FieldError {
    FieldError {
        column: column.into(),
        reason: reason.into(),
    }
}

/// Reads `tracked_trips.csv` of the PeskAAS directory `dir`.
///
/// # Errors
/// [`SourceFileError`] when the file cannot be opened, its header lacks a column, or a
/// record is not valid CSV (nothing is imported then).
pub fn read(dir: &Path) -> Result<TripBatch, SourceFileError> {
    let path = dir.join(FILE);
    let mut names: Vec<String> = COLUMNS.iter().map(|c| (*c).to_string()).collect();
    for k in 1..=SAMPLES {
        names.push(format!("lat{k}"));
    }
    for k in 1..=SAMPLES {
        names.push(format!("lng{k}"));
    }
    let required: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut batch = TripBatch {
        source: crate::adapters::importers::landings::peskaas::SOURCE.into(),
        location: path.display().to_string(),
        file: FILE.into(),
        read: 0,
        trips: Vec::new(),
        rejected: Vec::new(),
    };
    batch.read = for_each_record(&path, &required, |h, rec, line| {
        match trip_of(h, rec, line) {
            Ok(t) => batch.trips.push(t),
            Err(e) => batch.rejected.push(reject(line, rec, e)),
        }
    })?;
    Ok(batch)
}

fn trip_of(h: &Header, rec: &csv::StringRecord, line: u64) -> Result<SourceTrip, FieldError> {
    let id_text = h
        .text(rec, 0)
        .ok_or_else(|| field("PDS_trip", "empty: every tracked trip needs its PDS id"))?;
    let source_trip_id =
        SourceTripId::parse(&id_text).map_err(|e| field("PDS_trip", e.to_string()))?;
    let date = h
        .date(rec, 1)?
        .ok_or_else(|| field("date", "empty: every tracked trip needs its date"))?;
    let vessel = VesselId::parse(&h.text(rec, 2).unwrap_or_default())
        .map_err(|e| field("boat_id", e.to_string()))?;
    let imei = match h.text(rec, 3) {
        None => None,
        Some(t) => Some(Imei::parse(&t).map_err(|e| field("IMEI", e.to_string()))?),
    };
    let boat_code = h.small::<i16>(rec, 4)?;
    let site_code = h.text(rec, 5);
    let source_landing_id = h.int(rec, 6)?;
    let gear_code = h.small::<i16>(rec, 7)?;
    let habitat_code = h.small::<i16>(rec, 8)?;
    let donor = match (h.text(rec, 9), h.f64(rec, 10)?) {
        (Some(t), Some(d)) => Some((t, d)),
        _ => None,
    };
    let mut positions = Vec::with_capacity(SAMPLES);
    for k in 0..SAMPLES {
        let lat = h.f64(rec, COLUMNS.len() + k)?;
        let lon = h.f64(rec, COLUMNS.len() + SAMPLES + k)?;
        match (lat, lon) {
            (None, None) => {}
            (Some(lat), Some(lon)) => {
                let at = LatLon::new(lat, lon)
                    .map_err(|e| field(&format!("lat{}", k + 1), e.to_string()))?;
                positions.push(Position::sampled(at));
            }
            _ => {
                return Err(field(
                    &format!("lat{}", k + 1),
                    format!(
                        "lat{0} and lng{0} must both be given or both be empty",
                        k + 1
                    ),
                ));
            }
        }
    }
    let trip = TrackedTrip::new(NewTrackedTrip {
        source: TrackSource::Peskaas,
        source_trip_id,
        vessel,
        imei,
        times: TripTimes::date_only(date),
        duration_hours: None,
        distance_m: None,
        positions,
    })
    .map_err(|e| field(e.field(), e.to_string()))?;
    let mut fp = Fnv::new();
    fp.record(rec);
    Ok(SourceTrip {
        line,
        trip,
        landing_date: date,
        vessel_name: None,
        device_id: None,
        site_code,
        boat_code,
        gear_code,
        habitat_code,
        source_landing_id,
        donor,
        fingerprint: fp.hex(),
    })
}
