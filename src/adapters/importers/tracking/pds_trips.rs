//! Anti-corruption layer for the Pelagic Data Systems trips export (DOMAIN.md): columns
//! `Trip, Started, Ended, Boat, Boat Name, Boat Gear, Community, Duration (Seconds),
//! Range (Meters), Distance (Meters), IMEI, Device Id, Last Seen`, one trip per row.
//!
//! Times as in the points export ([`super::pds_points`]): a timestamp with an offset or `Z`
//! (ISO 8601 / RFC 3339) is taken as written; `2020-05-01 06:43:10` (the export's form) is
//! UTC, as the PDS API reports. A trip's landing date is the day it ended in the site's time zone (Asia/Dili, UTC+9).
//! Extra columns are ignored; a missing one is a file-level fault.

use std::path::Path;

use chrono::{DateTime, FixedOffset, Utc};

use crate::adapters::importers::shared::csv_fields::{
    FieldError, Fnv, Header, for_each_record, raw_line,
};
use crate::application::shared::RejectedRow;
use crate::application::shared::SourceFileError;
use crate::application::tracking::import_trips::TripBatch;
use crate::application::tracking::ports::SourceTrip;
use crate::domain::tracking::{
    Imei, NewTrackedTrip, SourceTripId, TrackSource, TrackedTrip, TripTimes, VesselId,
};

/// The source key of PDS trips and points.
pub const SOURCE: &str = "pds";

/// Columns read (by name).
const COLUMNS: [&str; 12] = [
    "Trip",
    "Started",
    "Ended",
    "Boat",
    "Boat Name",
    "Boat Gear",
    "Community",
    "Duration (Seconds)",
    "Range (Meters)",
    "Distance (Meters)",
    "IMEI",
    "Device Id",
];

/// Timor-Leste's offset from UTC (Asia/Dili: +09:00 since 2000, no daylight saving), from
/// the IANA database.
pub fn dili_offset() -> FixedOffset {
    use chrono::{Offset, TimeZone};
    chrono_tz::Asia::Dili
        .offset_from_utc_datetime(&Utc::now().naive_utc())
        .fix()
}

/// Parses a PDS timestamp: the points importer's rule ([`crate::adapters::importers::tracking::pds_points::parse_time`]), one
/// rule for every PDS export.
///
/// # Errors
/// A reason in words when the text is not such a time.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    crate::adapters::importers::tracking::pds_points::parse_time(text.trim().as_bytes())
}

fn field(column: &str, reason: impl Into<String>) -> FieldError {
    FieldError {
        column: column.into(),
        reason: reason.into(),
    }
}

/// Reads a PDS trips export.
///
/// # Errors
/// [`SourceFileError`] when the file cannot be opened, its header lacks a column, or a
/// record is not valid CSV (nothing is imported then); row faults are rejected rows.
pub fn read(path: &Path) -> Result<TripBatch, SourceFileError> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let mut batch = TripBatch {
        source: SOURCE.into(),
        location: path.display().to_string(),
        file: file.clone(),
        read: 0,
        trips: Vec::new(),
        rejected: Vec::new(),
    };
    let offset = dili_offset();
    batch.read = for_each_record(path, &COLUMNS, |h, rec, line| {
        match trip_of(h, rec, line, offset) {
            Ok(t) => batch.trips.push(t),
            Err(e) => batch.rejected.push(RejectedRow {
                file: file.clone(),
                line,
                column: Some(e.column),
                reason: e.reason,
                raw: raw_line(rec),
            }),
        }
    })?;
    Ok(batch)
}

fn time(
    h: &Header,
    rec: &csv::StringRecord,
    col: usize,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    match h.text(rec, col) {
        None => Ok(None),
        Some(t) => parse_time(&t).map(Some).map_err(|e| field(COLUMNS[col], e)),
    }
}

fn trip_of(
    h: &Header,
    rec: &csv::StringRecord,
    line: u64,
    offset: FixedOffset,
) -> Result<SourceTrip, FieldError> {
    let id = h
        .text(rec, 0)
        .ok_or_else(|| field("Trip", "empty: every trip needs its PDS id"))?;
    let source_trip_id = SourceTripId::parse(&id).map_err(|e| field("Trip", e.to_string()))?;
    let started = time(h, rec, 1)?.ok_or_else(|| field("Started", "empty"))?;
    let ended = time(h, rec, 2)?;
    let times = TripTimes::timed(started, ended).map_err(|e| field("Ended", e.to_string()))?;
    let vessel = VesselId::parse(&h.text(rec, 3).unwrap_or_default())
        .map_err(|e| field("Boat", e.to_string()))?;
    let duration = h.f64(rec, 7)?.map(|s| s / 3600.0);
    let distance = h.f64(rec, 9)?;
    let imei = match h.text(rec, 10) {
        None => None,
        Some(t) => Some(Imei::parse(&t).map_err(|e| field("IMEI", e.to_string()))?),
    };
    let trip = TrackedTrip::new(NewTrackedTrip {
        source: TrackSource::Pds,
        source_trip_id,
        vessel,
        imei,
        times,
        duration_hours: duration,
        distance_m: distance,
        positions: Vec::new(),
    })
    .map_err(|e| {
        let column = match e.field() {
            "duration_hours" => "Duration (Seconds)",
            "distance_m" => "Distance (Meters)",
            "end" => "Ended",
            other => other,
        };
        field(column, e.to_string())
    })?;
    let mut fp = Fnv::new();
    fp.record(rec);
    Ok(SourceTrip {
        line,
        landing_date: times.landing_date(offset),
        vessel_name: h.text(rec, 4),
        device_id: h.text(rec, 11),
        trip,
        site_code: h.text(rec, 6),
        boat_code: None,
        gear_code: None,
        habitat_code: None,
        source_landing_id: None,
        donor: None,
        fingerprint: fp.hex(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn pds_times_without_offset_are_utc_and_offsets_are_honoured() {
        let a = parse_time("2020-05-01 06:43:10").map(|t| t.to_rfc3339());
        assert_eq!(a.as_deref(), Ok("2020-05-01T06:43:10+00:00"));
        let b = parse_time("2020-05-01T15:43:10+09:00").map(|t| t.to_rfc3339());
        assert_eq!(b.as_deref(), Ok("2020-05-01T06:43:10+00:00"));
        assert!(parse_time("01/05/2020").is_err());
    }
}
