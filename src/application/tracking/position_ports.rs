//! Ports of the tracking use cases: what they need from a positions file and from storage,
//! named by intent.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::application::shared::{RejectedRow, SourceFileError, StoreError};
use crate::domain::tracking::TrackPoint;

/// A field of a positions row, for naming the source's column when the domain refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointField {
    /// The trip id.
    Trip,
    /// The instant.
    Time,
    /// Latitude.
    Lat,
    /// Longitude.
    Lon,
    /// Speed.
    Speed,
    /// Range.
    Range,
    /// Heading.
    Heading,
}

/// One data row of a positions file, its fields read (numbers parsed, the time converted
/// to UTC) but not yet judged by the domain. Texts borrow from the source's current row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourcePoint<'a> {
    /// The line in the file where the row starts, 1-based (the header is line 1).
    pub line: u64,
    /// The trip id as written, trimmed (may be empty: the use case refuses it).
    pub trip: &'a str,
    /// The boat id as written, trimmed; `None` when empty.
    pub boat: Option<&'a str>,
    /// When the fix was taken, UTC.
    pub time: DateTime<Utc>,
    /// Latitude, decimal degrees.
    pub lat: f64,
    /// Longitude, decimal degrees.
    pub lon: f64,
    /// Speed, metres per second.
    pub speed_mps: Option<f64>,
    /// Range, metres.
    pub range_m: Option<f64>,
    /// Heading, degrees.
    pub heading: Option<f64>,
}

/// What a positions source yields for one data row.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceRow<'a> {
    /// A row whose fields could be read.
    Point(SourcePoint<'a>),
    /// A row that could not be read (a field that is not a number or not a time, a wrong
    /// number of fields), with where and why.
    Unreadable(RejectedRow),
}

/// A positions file read row by row (streaming: one row in memory at a time).
pub trait PositionSource {
    /// The file's name, as rejected rows list it (`points.csv`).
    fn file_name(&self) -> &str;

    /// Where the file was read from (its path), for the import record.
    fn location(&self) -> &str;

    /// The column of the file that holds `field` (`Lat`, `Speed (M/S)`).
    fn column(&self, field: PointField) -> &str;

    /// The next data row; `None` at the end of the file.
    ///
    /// # Errors
    /// [`SourceFileError`] when the file cannot be read on (the import is abandoned).
    fn next_row(&mut self) -> Result<Option<SourceRow<'_>>, SourceFileError>;

    /// The row last returned by [`PositionSource::next_row`], as written in the file (for
    /// a rejected row).
    fn raw_row(&self) -> String;
}

/// A validated fix with its trip and boat, as keys into the names of the import (see
/// [`PositionImports::write_positions`]): ids are interned, not copied per row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TripPoint {
    /// Index of the trip's id in the trip names.
    pub trip: u32,
    /// Index of the boat's id in the boat names, when the row names a boat.
    pub boat: Option<u32>,
    /// The fix.
    pub point: TrackPoint,
}

/// Counts of one positions import, as stored with its record.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PositionCounts {
    /// The file's name.
    pub file: String,
    /// Data rows read.
    pub read: u64,
    /// Positions written.
    pub imported: u64,
    /// Rows refused (listed with their reasons).
    pub rejected: u64,
    /// Positions stored by earlier imports that this import replaced (those of the trips
    /// the file contains).
    pub replaced: u64,
    /// Distinct trips with positions imported.
    pub trips: u64,
}

/// The record of one positions import.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionImportRecord {
    /// The import's id.
    pub id: Uuid,
    /// The source format (`pds`).
    pub source: String,
    /// Where it was read from (a file path).
    pub location: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it finished (the start, until it has).
    pub finished_at: DateTime<Utc>,
    /// Who ran it (a user's e-mail, or `cli`).
    pub started_by: String,
    /// The jurisdiction it covers: the path of the single country of the jurisdiction
    /// tree, or empty when there is none or several.
    pub jurisdiction: String,
    /// Its counts.
    pub counts: PositionCounts,
}

/// The writes of a positions import, inside its unit of work.
pub trait PositionImports {
    /// The path of the jurisdiction tree's country when there is exactly one; else empty.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn single_country(&mut self) -> Result<String, StoreError>;

    /// Stores the import's record (before the rejected rows, which refer to it).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn record_import(&mut self, record: &PositionImportRecord) -> Result<(), StoreError>;

    /// Removes every stored position of these trips (source trip ids); returns how many.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn remove_trips(&mut self, trips: &[&str]) -> Result<u64, StoreError>;

    /// Appends `points`; `trips[p.trip]` and `boats[p.boat]` are their ids. Storage for the
    /// months of their times is made ready first.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn write_positions(
        &mut self,
        trips: &[String],
        boats: &[String],
        points: &[TripPoint],
    ) -> Result<(), StoreError>;

    /// Stores rejected rows under the import `import_id`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn record_rejections(
        &mut self,
        import_id: Uuid,
        rows: &[RejectedRow],
    ) -> Result<(), StoreError>;

    /// Updates the import's record with its final counts and finishing time.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn finish_import(&mut self, record: &PositionImportRecord) -> Result<(), StoreError>;
}
