//! Use case: import the GPS positions of a tracker export (a PDS points file), streaming:
//! rows are read one at a time, judged by the domain, and written in bounded batches, all
//! in one transaction.
//!
//! A file replaces the trips it contains: before the first position of a trip is written,
//! the positions stored for that trip by earlier imports are removed. Re-importing a file
//! therefore leaves the same positions, never twice as many; and a later export of a trip
//! (with more points) replaces the earlier one whole.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::ports::TrackingTx;
use super::position_ports::{
    PointField, PositionCounts, PositionImportRecord, PositionImports, PositionSource, SourceRow,
    TripPoint,
};
use crate::application::shared::{
    AuditEntry, Caller, RejectedRow, SourceFileError, StoreError, StoreFailure, Transaction,
    TxOptions, UnitOfWork,
};
use crate::domain::shared::DomainEvent;
use crate::domain::tracking::{
    PositionsImported, SourceTripId, TrackPoint, TrackPointError, TrackSource,
};

/// Positions per batch written at once: about 100 bytes each in memory, so ≈ 10 MB, and
/// enough rows per write that the fixed cost of a write is negligible.
pub const BATCH_ROWS: usize = 100_000;

/// Rejected rows per write.
pub const REJECTED_BATCH_ROWS: usize = 1_000;

/// Who, when, and how many rows per batch.
#[derive(Debug, Clone)]
pub struct PositionImportContext {
    /// Who runs the import (a user's e-mail, or `cli`).
    pub started_by: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Positions per batch ([`BATCH_ROWS`] unless measuring).
    pub batch_rows: usize,
}

impl PositionImportContext {
    /// An import by `started_by` starting now, with [`BATCH_ROWS`] per batch.
    pub fn now(started_by: &str) -> Self {
        PositionImportContext {
            started_by: started_by.to_string(),
            started_at: Utc::now(),
            batch_rows: BATCH_ROWS,
        }
    }
}

/// The outcome of a positions import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionImportReport {
    /// The import's id (its rejected rows are listed under it).
    pub import_id: Uuid,
    /// Its counts.
    pub counts: PositionCounts,
    /// The jurisdiction it covers (the country), as a path; empty when unknown.
    pub jurisdiction: String,
    /// The source ids of the trips the file holds positions of (their track rules are
    /// assessed again on the positions: [`super::assess_tracks::reassess_trips`]).
    pub trip_ids: Vec<String>,
}

/// Why a positions import failed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportPositionsError {
    /// The file could not be read on; the transaction was rolled back.
    #[error(transparent)]
    File(#[from] SourceFileError),
    /// The database failed; the transaction was rolled back.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StoreFailure for ImportPositionsError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            ImportPositionsError::Store(e) => Some(e),
            ImportPositionsError::File(_) => None,
        }
    }
}

/// Source ids interned to small keys, so that a batch holds numbers, not strings.
#[derive(Debug, Default)]
struct Names {
    /// As written in the file → key.
    by_text: HashMap<String, u32>,
    /// Normalised id → key (two spellings of a trip, `0274571` and `274571`, are one).
    by_name: HashMap<String, u32>,
    /// Key → normalised id.
    names: Vec<String>,
}

impl Names {
    /// The key of `text` (already seen), without allocating.
    fn get(&self, text: &str) -> Option<u32> {
        self.by_text.get(text).copied()
    }

    /// Adds `text` with its normalised `name`; its key and whether the name is new.
    fn add(&mut self, text: &str, name: String) -> Option<(u32, bool)> {
        if let Some(&key) = self.by_name.get(&name) {
            self.by_text.insert(text.to_string(), key);
            return Some((key, false));
        }
        let key = u32::try_from(self.names.len()).ok()?;
        self.by_name.insert(name.clone(), key);
        self.by_text.insert(text.to_string(), key);
        self.names.push(name);
        Some((key, true))
    }
}

/// What the import keeps while it streams: interned ids, the current batches, counts.
struct Streaming {
    file: String,
    import_id: Uuid,
    batch_rows: usize,
    trips: Names,
    boats: Names,
    /// By trip key: whether a position of the trip has been kept.
    trip_written: Vec<bool>,
    /// Trips first kept in the current batch: their earlier positions go before it is written.
    new_trips: Vec<u32>,
    points: Vec<TripPoint>,
    rejected: Vec<RejectedRow>,
    counts: PositionCounts,
}

impl Streaming {
    fn flush_points(&mut self, tx: &mut dyn PositionImports) -> Result<(), StoreError> {
        if !self.new_trips.is_empty() {
            let names: Vec<&str> = self
                .new_trips
                .iter()
                .filter_map(|&k| self.trips.names.get(k as usize).map(String::as_str))
                .collect();
            self.counts.replaced += tx.remove_trips(&names)?;
            self.new_trips.clear();
        }
        if !self.points.is_empty() {
            tx.write_positions(&self.trips.names, &self.boats.names, &self.points)?;
            self.counts.imported += self.points.len() as u64;
            self.points.clear();
        }
        Ok(())
    }

    fn flush_rejected(&mut self, tx: &mut dyn PositionImports) -> Result<(), StoreError> {
        if !self.rejected.is_empty() {
            tx.record_rejections(self.import_id, &self.rejected)?;
            self.counts.rejected += self.rejected.len() as u64;
            self.rejected.clear();
        }
        Ok(())
    }

    fn reject(&mut self, tx: &mut dyn PositionImports, row: RejectedRow) -> Result<(), StoreError> {
        self.rejected.push(row);
        if self.rejected.len() >= REJECTED_BATCH_ROWS {
            self.flush_rejected(tx)?;
        }
        Ok(())
    }

    fn keep(&mut self, tx: &mut dyn PositionImports, point: TripPoint) -> Result<(), StoreError> {
        self.points.push(point);
        if self.points.len() >= self.batch_rows {
            self.flush_points(tx)?;
        }
        Ok(())
    }
}

/// Why the domain refused a row that could be read: the field and the reason.
type Refusal = (PointField, String);

/// Judges one readable row: the trip id must be non-empty (a [`SourceTripId`]), the fix
/// valid ([`TrackPoint::new`]). Interns the trip and boat ids.
fn judge(
    s: &mut Streaming,
    p: &super::position_ports::SourcePoint<'_>,
) -> Result<TripPoint, Refusal> {
    let trip = match s.trips.get(p.trip) {
        Some(key) => key,
        None => {
            let id = SourceTripId::parse(p.trip)
                .map_err(|_| (PointField::Trip, "no trip id".to_string()))?;
            let (key, _) = s
                .trips
                .add(p.trip, id.to_string())
                .ok_or((PointField::Trip, "too many distinct trips".to_string()))?;
            key
        }
    };
    let point =
        TrackPoint::new(p.time, p.lat, p.lon, p.speed_mps, p.range_m, p.heading).map_err(|e| {
            let field = match e {
                TrackPointError::Latitude(_) => PointField::Lat,
                TrackPointError::Longitude(_) => PointField::Lon,
                TrackPointError::Speed(_) => PointField::Speed,
                TrackPointError::Range(_) => PointField::Range,
                TrackPointError::Heading(_) => PointField::Heading,
            };
            (field, e.to_string())
        })?;
    // The trip's first kept position: its earlier positions go before this batch is written
    // (a trip whose rows are all rejected keeps what it had).
    let slot = trip as usize;
    if s.trip_written.len() <= slot {
        s.trip_written.resize(slot + 1, false);
    }
    if let Some(written) = s.trip_written.get_mut(slot).filter(|w| !**w) {
        *written = true;
        s.new_trips.push(trip);
        s.counts.trips += 1;
    }
    let boat = match p.boat {
        None => None,
        Some(text) => match s.boats.get(text) {
            Some(key) => Some(key),
            None => s.boats.add(text, text.to_string()).map(|(key, _)| key),
        },
    };
    Ok(TripPoint { trip, boat, point })
}

/// Imports the positions of `source` as `caller`, in one unit of work (run once: the file is
/// streamed, it cannot be read twice) that also writes the `import` audit entry and
/// publishes [`PositionsImported`]: see [`stream_positions`].
///
/// # Errors
/// [`ImportPositionsError::File`] when the file cannot be read on, and
/// [`ImportPositionsError::Store`] when the database fails; either way the transaction is
/// rolled back and nothing is written.
#[tracing::instrument(skip_all, fields(location = %source.location()))]
pub fn import_positions<U>(
    uow: &U,
    caller: &Caller,
    source: &mut dyn PositionSource,
    ctx: &PositionImportContext,
) -> Result<PositionImportReport, ImportPositionsError>
where
    U: UnitOfWork,
    U::Tx: TrackingTx,
{
    // Streaming: positions need not wait for the WAL flush (a re-run replaces them).
    uow.run_with(caller, TxOptions::default().relaxed().once(), |tx| {
        let report = {
            let mut writer = tx.positions()?;
            stream_positions(writer.as_mut(), source, ctx)?
        };
        let c = &report.counts;
        tx.audit(
            AuditEntry::new("import")
                .with("source", TrackSource::Pds.key())
                .with("location", source.location())
                .with("import_id", report.import_id)
                .with(
                    &c.file,
                    format!(
                        "{} read, {} imported, {} rejected, {} replaced",
                        c.read, c.imported, c.rejected, c.replaced
                    ),
                ),
        );
        tx.publish(DomainEvent::new(
            PositionsImported {
                import_id: report.import_id,
                jurisdiction: report.jurisdiction.clone(),
                positions: c.imported,
                trips: c.trips,
            },
            Utc::now(),
        ))?;
        Ok(report)
    })
}

/// Streams the positions of `source` into `tx`: each row is read, judged by the domain (a
/// non-empty trip id, a valid [`TrackPoint`]) and either kept in the current batch or
/// rejected with file, line, column and reason; full batches are written ([`BATCH_ROWS`]
/// positions, [`REJECTED_BATCH_ROWS`] rejected rows), each after removing the earlier
/// positions of the trips it is the first to contain. Memory stays bounded by the batches
/// and the set of trip and boat ids, whatever the file's length.
///
/// # Errors
/// [`ImportPositionsError::File`] when the file cannot be read on, and
/// [`ImportPositionsError::Store`] when the database fails; the caller's transaction is
/// then rolled back.
pub fn stream_positions(
    tx: &mut dyn PositionImports,
    source: &mut dyn PositionSource,
    ctx: &PositionImportContext,
) -> Result<PositionImportReport, ImportPositionsError> {
    let import_id = Uuid::now_v7();
    let file = source.file_name().to_string();
    let clock = std::time::Instant::now();
    let mut record = PositionImportRecord {
        id: import_id,
        source: TrackSource::Pds.key().to_string(),
        location: source.location().to_string(),
        started_at: ctx.started_at,
        finished_at: ctx.started_at,
        started_by: ctx.started_by.clone(),
        jurisdiction: tx.single_country()?,
        counts: PositionCounts {
            file: file.clone(),
            ..PositionCounts::default()
        },
    };
    tx.record_import(&record)?;
    let mut s = Streaming {
        file: file.clone(),
        import_id,
        batch_rows: ctx.batch_rows.max(1),
        trips: Names::default(),
        boats: Names::default(),
        trip_written: Vec::new(),
        new_trips: Vec::new(),
        points: Vec::with_capacity(ctx.batch_rows.clamp(1, 1 << 20)),
        rejected: Vec::new(),
        counts: record.counts.clone(),
    };
    loop {
        let judged = match source.next_row()? {
            None => break,
            Some(SourceRow::Unreadable(row)) => Err((row, None)),
            Some(SourceRow::Point(p)) => {
                judge(&mut s, &p).map_err(|refusal| (rejected_at(&s.file, p.line), Some(refusal)))
            }
        };
        s.counts.read += 1;
        match judged {
            Ok(point) => s.keep(tx, point)?,
            Err((row, None)) => s.reject(tx, row)?,
            Err((mut row, Some((field, reason)))) => {
                row.column = Some(source.column(field).to_string());
                row.reason = reason;
                row.raw = source.raw_row();
                s.reject(tx, row)?;
            }
        }
    }
    s.flush_points(tx)?;
    s.flush_rejected(tx)?;
    record.counts = s.counts.clone();
    record.finished_at = Utc::now();
    tx.finish_import(&record)?;
    tracing::info!(
        read = record.counts.read,
        imported = record.counts.imported,
        rejected = record.counts.rejected,
        replaced = record.counts.replaced,
        trips = record.counts.trips,
        elapsed_ms = clock.elapsed().as_millis() as u64,
        "positions written"
    );
    Ok(PositionImportReport {
        import_id,
        counts: record.counts,
        jurisdiction: record.jurisdiction,
        trip_ids: s.trips.names,
    })
}

/// A rejected row of `file` at `line`, its column, reason and text filled in by the caller.
fn rejected_at(file: &str, line: u64) -> RejectedRow {
    RejectedRow {
        file: file.to_string(),
        line,
        column: None,
        reason: String::new(),
        raw: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use chrono::TimeZone;

    use super::*;
    use crate::application::tracking::position_ports::SourcePoint;

    /// A row of the in-memory source: fields as a reader would hand them over.
    #[derive(Clone)]
    enum Item {
        Point {
            trip: String,
            lat: f64,
            speed: Option<f64>,
        },
        Unreadable,
        Broken,
    }

    struct MemorySource {
        items: Vec<Item>,
        next: usize,
    }

    impl MemorySource {
        fn new(items: Vec<Item>) -> Self {
            MemorySource { items, next: 0 }
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 1, 31, 23, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("time"))
    }

    impl PositionSource for MemorySource {
        fn file_name(&self) -> &str {
            "points.csv"
        }
        fn location(&self) -> &str {
            "/data/points.csv"
        }
        fn column(&self, field: PointField) -> &str {
            match field {
                PointField::Lat => "Lat",
                PointField::Speed => "Speed (M/S)",
                PointField::Trip => "Trip",
                _ => "other",
            }
        }
        fn next_row(&mut self) -> Result<Option<SourceRow<'_>>, SourceFileError> {
            let i = self.next;
            self.next += 1;
            let line = i as u64 + 2;
            match self.items.get(i) {
                None => Ok(None),
                Some(Item::Broken) => Err(SourceFileError::Malformed {
                    file: "/data/points.csv".into(),
                    line,
                    reason: "broken".into(),
                }),
                Some(Item::Unreadable) => Ok(Some(SourceRow::Unreadable(RejectedRow {
                    file: "points.csv".into(),
                    line,
                    column: Some("Time".into()),
                    reason: "not a time".into(),
                    raw: "x".into(),
                }))),
                Some(Item::Point { trip, lat, speed }) => Ok(Some(SourceRow::Point(SourcePoint {
                    line,
                    trip,
                    boat: Some("b1"),
                    time: t0() + chrono::Duration::seconds(i as i64),
                    lat: *lat,
                    lon: 125.0,
                    speed_mps: *speed,
                    range_m: None,
                    heading: None,
                }))),
            }
        }
        fn raw_row(&self) -> String {
            format!("raw of row {}", self.next - 1)
        }
    }

    #[derive(Clone, Default)]
    struct Store {
        positions: Vec<(String, Option<String>, TrackPoint)>,
        batches: Vec<usize>,
        rejected: Vec<RejectedRow>,
        imports: Vec<PositionImportRecord>,
    }

    #[derive(Default)]
    struct MemoryUow(RefCell<Store>);

    struct MemoryTx<'a>(&'a mut Store);

    impl PositionImports for MemoryTx<'_> {
        fn single_country(&mut self) -> Result<String, StoreError> {
            Ok("Timor-Leste".into())
        }
        fn record_import(&mut self, record: &PositionImportRecord) -> Result<(), StoreError> {
            self.0.imports.push(record.clone());
            Ok(())
        }
        fn remove_trips(&mut self, trips: &[&str]) -> Result<u64, StoreError> {
            let before = self.0.positions.len();
            self.0
                .positions
                .retain(|(t, _, _)| !trips.contains(&t.as_str()));
            Ok((before - self.0.positions.len()) as u64)
        }
        fn write_positions(
            &mut self,
            trips: &[String],
            boats: &[String],
            points: &[TripPoint],
        ) -> Result<(), StoreError> {
            self.0.batches.push(points.len());
            for p in points {
                let trip = trips.get(p.trip as usize).cloned().unwrap_or_default();
                let boat = p.boat.and_then(|b| boats.get(b as usize).cloned());
                self.0.positions.push((trip, boat, p.point));
            }
            Ok(())
        }
        fn record_rejections(
            &mut self,
            _import_id: Uuid,
            rows: &[RejectedRow],
        ) -> Result<(), StoreError> {
            self.0.rejected.extend_from_slice(rows);
            Ok(())
        }
        fn finish_import(&mut self, record: &PositionImportRecord) -> Result<(), StoreError> {
            if let Some(r) = self.0.imports.iter_mut().find(|r| r.id == record.id) {
                *r = record.clone();
            }
            Ok(())
        }
    }

    /// Streams `source` into `uow`'s store all or nothing, like a transaction.
    fn import_into(
        uow: &MemoryUow,
        source: &mut MemorySource,
        ctx: &PositionImportContext,
    ) -> Result<PositionImportReport, ImportPositionsError> {
        let mut staged = uow.0.borrow().clone();
        let report = stream_positions(&mut MemoryTx(&mut staged), source, ctx)?;
        *uow.0.borrow_mut() = staged;
        Ok(report)
    }

    fn point(trip: &str, lat: f64) -> Item {
        Item::Point {
            trip: trip.into(),
            lat,
            speed: Some(1.0),
        }
    }

    fn ctx(batch_rows: usize) -> PositionImportContext {
        PositionImportContext {
            batch_rows,
            ..PositionImportContext::now("test")
        }
    }

    #[test]
    fn rows_are_judged_then_written_in_bounded_batches() {
        let uow = MemoryUow::default();
        let mut source = MemorySource::new(vec![
            point("7", -8.5),
            point(" 07", -8.5),
            point("7", 91.0),
            Item::Unreadable,
            point("", -8.5),
            Item::Point {
                trip: "8".into(),
                lat: -8.5,
                speed: Some(-1.0),
            },
            point("8", -8.6),
            point("9", -8.7),
        ]);
        let report = import_into(&uow, &mut source, &ctx(2)).unwrap_or_else(|e| panic!("{e}"));
        let c = &report.counts;
        assert_eq!((c.read, c.imported, c.rejected, c.trips), (8, 4, 4, 3));
        let store = uow.0.borrow();
        assert_eq!(store.batches, vec![2, 2], "never more than the batch size");
        let trips: Vec<&str> = store.positions.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(trips, vec!["7", "7", "8", "9"], "`07` is trip 7");
        assert_eq!(store.positions[0].1.as_deref(), Some("b1"));
        let why: Vec<(u64, Option<&str>, &str)> = store
            .rejected
            .iter()
            .map(|r| (r.line, r.column.as_deref(), r.raw.as_str()))
            .collect();
        assert_eq!(
            why,
            vec![
                (4, Some("Lat"), "raw of row 2"),
                (5, Some("Time"), "x"),
                (6, Some("Trip"), "raw of row 4"),
                (7, Some("Speed (M/S)"), "raw of row 5"),
            ]
        );
        assert_eq!(
            store.rejected[0].reason,
            "latitude 91 is outside -90..90 degrees"
        );
        let record = &store.imports[0];
        assert_eq!(
            (record.source.as_str(), record.jurisdiction.as_str()),
            ("pds", "Timor-Leste")
        );
        assert_eq!(record.counts, report.counts);
    }

    #[test]
    fn a_file_replaces_its_trips_but_a_trip_with_no_readable_row_keeps_its_positions() {
        let uow = MemoryUow::default();
        let first = vec![point("1", -8.5), point("1", -8.5), point("2", -8.5)];
        import_into(&uow, &mut MemorySource::new(first.clone()), &ctx(1))
            .unwrap_or_else(|e| panic!("{e}"));
        // Again, plus trip 2 now refused whole: trip 1 replaced, trip 2 kept as it was.
        let again = vec![point("1", -8.5), point("1", -8.5), point("2", 95.0)];
        let report = import_into(&uow, &mut MemorySource::new(again), &ctx(1))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((report.counts.imported, report.counts.replaced), (2, 2));
        let store = uow.0.borrow();
        let mut trips: Vec<&str> = store.positions.iter().map(|p| p.0.as_str()).collect();
        trips.sort();
        assert_eq!(trips, vec!["1", "1", "2"]);
    }

    #[test]
    fn a_file_fault_abandons_the_import_and_writes_nothing() {
        let uow = MemoryUow::default();
        let items = vec![point("1", -8.5), point("1", -8.5), Item::Broken];
        let err = import_into(&uow, &mut MemorySource::new(items), &ctx(1)).err();
        match err {
            Some(ImportPositionsError::File(SourceFileError::Malformed { line, .. })) => {
                assert_eq!(line, 4)
            }
            other => panic!("expected the file's fault, got {other:?}"),
        }
        let store = uow.0.borrow();
        assert!(store.positions.is_empty() && store.imports.is_empty());
    }
}
