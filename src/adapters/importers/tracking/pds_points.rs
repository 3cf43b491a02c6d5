//! Anti-corruption layer for the Pelagic Data Systems (PDS) points export: a CSV file with
//! the header `Time, Boat, Trip, Lat, Lng, Speed (M/S), Range (Meters), Heading, Boat Name,
//! Community`, one row per GPS fix (one every few seconds while a boat is out).
//!
//! The file is read as a stream, one record at a time (a reused [`csv::ByteRecord`]: no
//! allocation per row), so memory does not grow with its length. Columns are found by name
//! in the header (in any order; other columns, such as `Boat Name` and `Community`, are
//! ignored); a missing one is a file-level error naming the file and the column.
//!
//! Fields, as read here (the domain then judges the values, see
//! [`crate::domain::tracking::TrackPoint`]):
//! - `Time`: `YYYY-MM-DD HH:MM:SS` (optionally with a fraction of a second) is taken as UTC,
//!   which is what PDS exports; ISO 8601 / RFC 3339 with `Z` or an offset
//!   (`2024-01-31T23:59:59Z`, `2024-02-01T08:59:59+09:00`, `…+0900`) is converted to UTC.
//!   An ISO time with `T` but no zone is refused (its zone would be a guess).
//! - `Trip`, `Boat`: text, trimmed (`Trip` must not be empty; an empty `Boat` is none).
//! - `Lat`, `Lng`: decimal degrees, required.
//! - `Speed (M/S)` (metres per second), `Range (Meters)` (metres), `Heading` (degrees):
//!   optional numbers (empty or `NA` is none); stored as 4-byte floats, so a magnitude
//!   beyond ±3.4 × 10³⁸ is refused.
//!
//! A row that cannot be read (a field that is not a number or not a time, a wrong number of
//! fields) is handed to the use case as rejected, with its line, column and reason. A row
//! longer than [`MAX_ROW_BYTES`] (an unclosed quote swallowing the rest of the file) is a
//! file-level error, so that one bad quote cannot make the reader hold the whole file.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::adapters::importers::shared::csv_fields::Header;
use crate::application::shared::{RejectedRow, SourceFileError};
use crate::application::tracking::position_ports::{
    PointField, PositionSource, SourcePoint, SourceRow,
};

/// The longest row accepted, bytes: a PDS points row is about 100 bytes.
pub const MAX_ROW_BYTES: u64 = 1 << 20;

/// The columns read, by their names in the PDS header.
pub const COLUMNS: [&str; 8] = [
    "Time",
    "Trip",
    "Lat",
    "Lng",
    "Speed (M/S)",
    "Range (Meters)",
    "Heading",
    "Boat",
];
const TIME: usize = 0;
const TRIP: usize = 1;
const LAT: usize = 2;
const LNG: usize = 3;
const SPEED: usize = 4;
const RANGE: usize = 5;
const HEADING: usize = 6;
const BOAT: usize = 7;

/// Counts the bytes handed to the CSV parser since the last complete record, and fails the
/// read once they pass [`MAX_ROW_BYTES`] (plus the parser's buffer).
struct Bounded<R> {
    inner: R,
    since_record: Arc<AtomicU64>,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.since_record.load(Ordering::Relaxed) > MAX_ROW_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a row longer than {MAX_ROW_BYTES} bytes (an unclosed quote?)"),
            ));
        }
        let n = self.inner.read(buf)?;
        self.since_record.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A PDS points file open for reading, its header checked.
pub struct PdsPointsReader {
    path: String,
    file_name: String,
    reader: csv::Reader<Bounded<File>>,
    since_record: Arc<AtomicU64>,
    record: csv::ByteRecord,
    /// Position in the records of each of [`COLUMNS`].
    at: [usize; COLUMNS.len()],
    /// Fields in the header.
    width: usize,
}

impl PdsPointsReader {
    /// Opens `path` and checks its header.
    ///
    /// # Errors
    /// [`SourceFileError::Unreadable`] when the file cannot be opened,
    /// [`SourceFileError::WrongHeader`] naming the columns of [`COLUMNS`] it lacks, and
    /// [`SourceFileError::Malformed`] when its first line cannot be read.
    pub fn open(path: &Path) -> Result<Self, SourceFileError> {
        let shown = path.display().to_string();
        let file = File::open(path).map_err(|e| SourceFileError::Unreadable {
            file: shown.clone(),
            reason: e.to_string(),
        })?;
        let since_record = Arc::new(AtomicU64::new(0));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .buffer_capacity(1 << 18)
            .from_reader(Bounded {
                inner: file,
                since_record: since_record.clone(),
            });
        let header = reader
            .byte_headers()
            .map_err(|e| SourceFileError::Malformed {
                file: shown.clone(),
                line: 1,
                reason: e.to_string(),
            })?
            .clone();
        since_record.store(0, Ordering::Relaxed);
        let located = Header::locate(
            &csv::StringRecord::from_byte_record_lossy(header.clone()),
            &COLUMNS,
        )
        .map_err(|missing| SourceFileError::WrongHeader {
            file: shown.clone(),
            missing,
        })?;
        let mut at = [0; COLUMNS.len()];
        for (i, slot) in at.iter_mut().enumerate() {
            *slot = located
                .position(i)
                .ok_or_else(|| SourceFileError::WrongHeader {
                    file: shown.clone(),
                    missing: vec![COLUMNS[i].to_string()],
                })?;
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| shown.clone());
        Ok(PdsPointsReader {
            path: shown,
            file_name,
            reader,
            since_record,
            record: csv::ByteRecord::with_capacity(256, 16),
            at,
            width: header.len(),
        })
    }

    fn field(&self, col: usize) -> &[u8] {
        self.record
            .get(self.at[col])
            .unwrap_or_default()
            .trim_ascii()
    }

    fn unreadable(&self, line: u64, col: Option<usize>, reason: String) -> SourceRow<'_> {
        SourceRow::Unreadable(RejectedRow {
            file: self.file_name.clone(),
            line,
            column: col.map(|c| COLUMNS[c].to_string()),
            reason,
            raw: self.raw_row(),
        })
    }

    /// Reads the current record's fields.
    fn point(&self, line: u64) -> SourceRow<'_> {
        if self.record.len() != self.width {
            // The first column the row is too short to hold, if any.
            let short = (0..COLUMNS.len())
                .filter(|&c| self.at[c] >= self.record.len())
                .min_by_key(|&c| self.at[c]);
            let reason = format!(
                "{} fields where the header has {}",
                self.record.len(),
                self.width
            );
            return self.unreadable(line, short, reason);
        }
        let time = match parse_time(self.field(TIME)) {
            Ok(t) => t,
            Err(reason) => return self.unreadable(line, Some(TIME), reason),
        };
        let mut numbers = [None; 5];
        for (slot, col) in numbers.iter_mut().zip([LAT, LNG, SPEED, RANGE, HEADING]) {
            match number(self.field(col), col >= SPEED) {
                Ok(x) => *slot = x,
                Err(reason) => return self.unreadable(line, Some(col), reason),
            }
        }
        let (Some(lat), Some(lon)) = (numbers[0], numbers[1]) else {
            let col = if numbers[0].is_none() { LAT } else { LNG };
            return self.unreadable(line, Some(col), "no value".to_string());
        };
        let Ok(trip) = std::str::from_utf8(self.field(TRIP)) else {
            return self.unreadable(line, Some(TRIP), "not valid UTF-8".to_string());
        };
        let boat = match std::str::from_utf8(self.field(BOAT)) {
            Ok("") => None,
            Ok(b) => Some(b),
            Err(_) => return self.unreadable(line, Some(BOAT), "not valid UTF-8".to_string()),
        };
        SourceRow::Point(SourcePoint {
            line,
            trip,
            boat,
            time,
            lat,
            lon,
            speed_mps: numbers[2],
            range_m: numbers[3],
            heading: numbers[4],
        })
    }
}

impl PositionSource for PdsPointsReader {
    fn file_name(&self) -> &str {
        &self.file_name
    }

    fn location(&self) -> &str {
        &self.path
    }

    fn column(&self, field: PointField) -> &str {
        COLUMNS[match field {
            PointField::Trip => TRIP,
            PointField::Time => TIME,
            PointField::Lat => LAT,
            PointField::Lon => LNG,
            PointField::Speed => SPEED,
            PointField::Range => RANGE,
            PointField::Heading => HEADING,
        }]
    }

    fn next_row(&mut self) -> Result<Option<SourceRow<'_>>, SourceFileError> {
        let before = self.reader.position().line();
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => {
                return Err(SourceFileError::Malformed {
                    file: self.path.clone(),
                    line: e.position().map_or(before, csv::Position::line),
                    reason: e.to_string(),
                });
            }
        }
        self.since_record.store(0, Ordering::Relaxed);
        let line = self.record.position().map_or(before, csv::Position::line);
        Ok(Some(self.point(line)))
    }

    fn raw_row(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let bytes = match w.write_byte_record(&self.record) {
            Ok(()) => w.into_inner().unwrap_or_default(),
            Err(_) => self.record.as_slice().to_vec(),
        };
        String::from_utf8_lossy(&bytes)
            .trim_end_matches('\n')
            .to_string()
    }
}

/// A number field: `None` when empty or `NA`; `real` when stored as a 4-byte float.
fn number(field: &[u8], real: bool) -> Result<Option<f64>, String> {
    if field.is_empty() || field == b"NA" {
        return Ok(None);
    }
    let parsed = std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|x| x.is_finite());
    match parsed {
        Some(x) if real && x.abs() > f64::from(f32::MAX) => Err(format!(
            "`{}` is out of range",
            String::from_utf8_lossy(field)
        )),
        Some(x) => Ok(Some(x)),
        None => Err(format!(
            "`{}` is not a number",
            String::from_utf8_lossy(field)
        )),
    }
}

/// The digits `b` as a number (all ASCII digits), else `None`.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// `YYYY-MM-DD HH:MM:SS`, without allocating: the common case.
fn plain_utc(b: &[u8]) -> Option<DateTime<Utc>> {
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(digits(&b[0..4])?).ok()?,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )?;
    let time = date.and_hms_opt(
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    )?;
    Some(time.and_utc())
}

/// A `Time` field in UTC (see the module's documentation for the forms accepted).
///
/// # Errors
/// The reason, in words, when it is none of those forms or not a real instant.
pub fn parse_time(field: &[u8]) -> Result<DateTime<Utc>, String> {
    if let Some(t) = plain_utc(field) {
        return Ok(t);
    }
    let text = String::from_utf8_lossy(field);
    let s = text.as_ref();
    if s.is_empty() {
        return Err("no time".to_string());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f") {
        return Ok(t.and_utc());
    }
    if NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok() {
        return Err(format!(
            "`{s}` has no time zone: write Z or an offset, or YYYY-MM-DD HH:MM:SS for UTC"
        ));
    }
    Err(format!(
        "`{s}` is not a time written YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601 with Z or an offset"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .unwrap_or_else(|| panic!("time"))
    }

    #[test]
    fn times_are_read_as_utc_in_the_documented_forms() {
        let t = utc(2024, 1, 31, 23, 59, 59);
        assert_eq!(parse_time(b"2024-01-31 23:59:59"), Ok(t));
        assert_eq!(parse_time(b"2024-01-31T23:59:59Z"), Ok(t));
        assert_eq!(parse_time(b"2024-02-01T08:59:59+09:00"), Ok(t));
        assert_eq!(parse_time(b"2024-02-01T08:59:59+0900"), Ok(t));
        assert_eq!(parse_time(b"2024-01-31 23:59:59Z"), Ok(t));
        let frac = parse_time(b"2024-01-31 23:59:59.250").map(|x| x.timestamp_millis());
        assert_eq!(frac, Ok(t.timestamp_millis() + 250));
    }

    #[test]
    fn unreadable_or_unzoned_times_are_refused_with_a_reason() {
        for bad in [
            &b"2024-02-30 10:00:00"[..],
            b"2024-01-31 24:00:00",
            b"31/01/2024 10:00",
            b"yesterday",
            b"",
            b"2024-01-31 10:00",
        ] {
            assert!(parse_time(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        let unzoned = parse_time(b"2024-01-31T23:59:59").err().unwrap_or_default();
        assert!(unzoned.contains("no time zone"), "{unzoned}");
    }

    #[test]
    fn numbers_are_finite_and_optional_where_the_format_allows() {
        assert_eq!(number(b"-8.551", false), Ok(Some(-8.551)));
        assert_eq!(number(b"", true), Ok(None));
        assert_eq!(number(b"NA", true), Ok(None));
        assert_eq!(number(b"fast", true), Err("`fast` is not a number".into()));
        assert_eq!(number(b"inf", false), Err("`inf` is not a number".into()));
        assert_eq!(number(b"NaN", false), Err("`NaN` is not a number".into()));
        assert_eq!(number(b"1e39", true), Err("`1e39` is out of range".into()));
        assert_eq!(number(b"1e39", false), Ok(Some(1e39)));
    }
}
