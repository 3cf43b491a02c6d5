//! The positions import's writer on the unit of work's transaction: positions written with
//! binary `COPY` into `tracking.positions`, partitioned by month of `at`.
//!
//! - Encoding: each batch is encoded into reused buffers in PostgreSQL's binary COPY format
//!   (no text formatting, no allocation per row; trip and boat ids are encoded once per
//!   import) and sent with diesel's `copy_from(…).from_raw_data(…)`.
//! - A month without a partition is loaded first into `tracking.positions_loading`, a plain
//!   table created in the import's transaction with the month's bounds as a `CHECK`; when the
//!   import moves on to another new month (or ends), the loading table gets the month's rows
//!   of the default partition (which would otherwise forbid the partition), its
//!   `(trip_source_id, at)` index is built in one pass, it is renamed
//!   `tracking.positions_YYYY_MM` and attached to the parent (the `CHECK` spares the attach
//!   its scan, and the index becomes the partition's part of the parent's index
//!   `positions_trip_at`). Rows of months that have a partition already (a re-import, a
//!   trip crossing into a month loaded earlier) are copied through the parent, which
//!   maintains the index as it goes. Months before 2000 or after next month (a tracker's
//!   clock gone wrong) get no partition: their rows stay, as reported, in the default
//!   partition, so that a bad clock cannot create hundreds of tables.
//! - Why build the index after the COPY: measured on the 10 M points of
//!   `benches/pds_points.rs` (3 months, PostgreSQL 15, 2 cores). On the server alone,
//!   binary COPY into indexed monthly partitions took 16.6 s, into bare ones 8.0–9.0 s plus
//!   3.9 s to build the index. End to end, this import takes 14.5 s; the same import with
//!   the partitions made beforehand (index maintained row by row) 19.5 s
//!   (`TASI_BENCH_COMPARE=1`).
//! - No import marker column: a file replaces its trips by deleting their stored rows
//!   before its first rows of them are written (see the use case), through the index, which
//!   finds nothing on a first import. Deleting "this file's trips' rows not written by this
//!   import" after the COPY would visit every row just written: 4.1 s more for 10 M.
//! - Access: new partitions are readable by nobody but their owner (privileges revoked from
//!   `PUBLIC` and the application role): the application reads positions through the parent,
//!   where row-level security applies.
//! - Locks: positions imports run one at a time (a transaction-level advisory lock).
//!   Attaching a partition takes `SHARE UPDATE EXCLUSIVE` on the parent (readers go on) and
//!   `ACCESS EXCLUSIVE` on the default partition until the import commits: a reader that
//!   cannot prune the default partition waits for an import that adds a month.

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use diesel::pg::{CopyFormat, PgConnection};
use diesel::prelude::*;
use uuid::Uuid;

use crate::adapters::persistence::geography::single_country;
use crate::adapters::persistence::shared::{APP_ROLE, store_err};
use crate::adapters::persistence::tracking::schema as t;
use crate::application::shared::{RejectedRow, StoreError};
use crate::application::tracking::position_ports::{
    PositionImportRecord, PositionImports, TripPoint,
};

/// Rows per multi-row INSERT of rejected rows (6 parameters each; PostgreSQL allows 65,535).
const INSERT_CHUNK: usize = 1000;

/// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01T00:00:00Z), for binary
/// `timestamptz` values.
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

/// The binary COPY header: signature, flags (none), header extension length (0).
const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// The first month that gets its own partition.
const FIRST_PARTITIONED_MONTH: Month = (2000, 1);

/// The writer of one positions import on `conn` (the owner's: it creates partitions), after
/// waiting for any other positions import to finish (they run one at a time).
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn position_writer(
    conn: &mut PgConnection,
) -> Result<Box<dyn PositionImports + '_>, StoreError> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('tracking.positions'))")
        .execute(conn)
        .map_err(store_err)?;
    Ok(Box::new(DieselPositionTx {
        conn,
        targets: HashMap::new(),
        current: (0, 0, Target::Parent),
        loading: None,
        last_month: last_partitioned_month(Utc::now()),
        parent: Vec::new(),
        load: Vec::new(),
        trips: Vec::new(),
        boats: Vec::new(),
    }))
}

/// A month, as (year, month 1…12).
type Month = (i32, u32);

/// The first day of `month`, and of the month after, UTC.
fn month_bounds((year, month): Month) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    let end = start.checked_add_months(Months::new(1))?;
    Some((
        start.and_hms_opt(0, 0, 0)?.and_utc(),
        end.and_hms_opt(0, 0, 0)?.and_utc(),
    ))
}

/// The last month that gets a partition when importing at `now`: the next month.
fn last_partitioned_month(now: DateTime<Utc>) -> Month {
    let next = now
        .date_naive()
        .checked_add_months(Months::new(1))
        .unwrap_or(now.date_naive());
    (next.year(), next.month())
}

/// Where the rows of a month are copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Through the parent (a partition exists, or the month stays in the default one).
    Parent,
    /// Into `tracking.positions_loading`, the month being loaded.
    Loading,
}

struct DieselPositionTx<'c> {
    conn: &'c mut PgConnection,
    /// Where each month met so far is copied.
    targets: HashMap<Month, Target>,
    /// The last month met: its bounds (µs since the Unix epoch, end excluded), its target.
    current: (i64, i64, Target),
    /// The month in `tracking.positions_loading`, if any.
    loading: Option<Month>,
    /// The last month that gets a partition.
    last_month: Month,
    /// Binary COPY data for the parent, reused across batches.
    parent: Vec<u8>,
    /// Binary COPY data for the loading table, reused across batches.
    load: Vec<u8>,
    /// Trip ids, encoded as binary COPY fields (length, then UTF-8), by key.
    trips: Vec<Vec<u8>>,
    /// Boat ids, encoded likewise.
    boats: Vec<Vec<u8>>,
}

/// Appends the binary COPY encoding of each new name (`names` grows, never changes).
fn encode_names(encoded: &mut Vec<Vec<u8>>, names: &[String]) -> Result<(), StoreError> {
    for name in names.iter().skip(encoded.len()) {
        let len = i32::try_from(name.len()).map_err(|_| {
            StoreError::permanent(format!("an id of {} bytes is too long", name.len()))
        })?;
        let mut field = Vec::with_capacity(4 + name.len());
        field.extend_from_slice(&len.to_be_bytes());
        field.extend_from_slice(name.as_bytes());
        encoded.push(field);
    }
    Ok(())
}

fn put_f64(buf: &mut Vec<u8>, x: f64) {
    buf.extend_from_slice(&8i32.to_be_bytes());
    buf.extend_from_slice(&x.to_be_bytes());
}

fn put_real(buf: &mut Vec<u8>, x: Option<f64>) {
    match x {
        Some(x) => {
            buf.extend_from_slice(&4i32.to_be_bytes());
            buf.extend_from_slice(&(x as f32).to_be_bytes());
        }
        None => buf.extend_from_slice(&(-1i32).to_be_bytes()),
    }
}

/// Appends one row (the columns of `tracking.positions`, in order) to `buf`.
fn encode_row(
    buf: &mut Vec<u8>,
    trips: &[Vec<u8>],
    boats: &[Vec<u8>],
    p: &TripPoint,
) -> Result<(), StoreError> {
    let trip = trips
        .get(p.trip as usize)
        .ok_or_else(|| StoreError::permanent(format!("no trip id for key {}", p.trip)))?;
    let point = &p.point;
    if buf.is_empty() {
        buf.extend_from_slice(COPY_HEADER);
    }
    buf.extend_from_slice(&8i16.to_be_bytes());
    buf.extend_from_slice(trip);
    buf.extend_from_slice(&8i32.to_be_bytes());
    buf.extend_from_slice(&(point.time().timestamp_micros() - PG_EPOCH_MICROS).to_be_bytes());
    put_f64(buf, point.at().lat());
    put_f64(buf, point.at().lon());
    put_real(buf, point.speed_mps());
    put_real(buf, point.range_m());
    put_real(buf, point.heading().map(|h| h.degrees()));
    match p.boat.and_then(|b| boats.get(b as usize)) {
        Some(boat) => buf.extend_from_slice(boat),
        None => buf.extend_from_slice(&(-1i32).to_be_bytes()),
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM:SS+00`, for a bound written into SQL (from numbers only).
fn sql_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S+00").to_string()
}

/// Sends the binary COPY data `buf` (header and rows; the trailer is added here) into
/// `$table`, then empties `buf`.
macro_rules! copy_into {
    ($conn:expr, $table:expr, $buf:expr) => {{
        let buf: &mut Vec<u8> = $buf;
        if !buf.is_empty() {
            buf.extend_from_slice(&(-1i16).to_be_bytes());
            let data: &[u8] = buf;
            diesel::copy_from($table)
                .from_raw_data($table, |w: &mut dyn Write| {
                    w.write_all(data)
                        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
                })
                .with_format(CopyFormat::Binary)
                .execute($conn)
                .map_err(store_err)?;
            buf.clear();
        }
    }};
}

impl DieselPositionTx<'_> {
    /// Where the rows at `time` go; decides once per month (see the module's documentation).
    fn target_of(&mut self, time: DateTime<Utc>) -> Result<Target, StoreError> {
        let month = (time.year(), time.month());
        let (start, end) = month_bounds(month)
            .ok_or_else(|| StoreError::permanent(format!("no month for {time}")))?;
        let target = match self.targets.get(&month) {
            Some(&target) => target,
            None => {
                let target = if month < FIRST_PARTITIONED_MONTH
                    || month > self.last_month
                    || self.has_partition(month)?
                {
                    Target::Parent
                } else {
                    self.start_loading(month, start, end)?;
                    Target::Loading
                };
                self.targets.insert(month, target);
                target
            }
        };
        self.current = (start.timestamp_micros(), end.timestamp_micros(), target);
        Ok(target)
    }

    fn has_partition(&mut self, (year, month): Month) -> Result<bool, StoreError> {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let found: N = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_inherits
             WHERE inhparent = 'tracking.positions'::regclass AND inhrelid = to_regclass($1)",
        )
        .bind::<diesel::sql_types::Text, _>(format!("tracking.positions_{year:04}_{month:02}"))
        .get_result(self.conn)
        .map_err(store_err)?;
        Ok(found.n > 0)
    }

    /// Sends what the buffers hold.
    fn flush(&mut self) -> Result<(), StoreError> {
        copy_into!(self.conn, t::positions_loading::table, &mut self.load);
        copy_into!(self.conn, t::positions::table, &mut self.parent);
        Ok(())
    }

    /// Turns the month being loaded, if any, into a partition; then creates the loading
    /// table for `month` (from `start` to `end`).
    fn start_loading(
        &mut self,
        month: Month,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.finish_loading()?;
        diesel::sql_query(format!(
            "CREATE TABLE tracking.positions_loading (LIKE tracking.positions,
                 CONSTRAINT positions_loading_month CHECK (at >= '{}' AND at < '{}'))",
            sql_time(start),
            sql_time(end)
        ))
        .execute(self.conn)
        .map_err(store_err)?;
        self.loading = Some(month);
        Ok(())
    }

    /// Makes the loaded month a partition: its rows from the default partition, the index,
    /// the name, the attachment, the privileges.
    fn finish_loading(&mut self) -> Result<(), StoreError> {
        self.flush()?;
        let Some(month) = self.loading.take() else {
            return Ok(());
        };
        let (start, end) = month_bounds(month)
            .ok_or_else(|| StoreError::permanent(format!("no month {month:?}")))?;
        let (from, to) = (sql_time(start), sql_time(end));
        let name = format!("positions_{:04}_{:02}", month.0, month.1);
        let clock = std::time::Instant::now();
        for sql in [
            format!(
                "WITH moved AS (DELETE FROM tracking.positions_default
                                WHERE at >= '{from}' AND at < '{to}' RETURNING *)
                 INSERT INTO tracking.positions_loading SELECT * FROM moved"
            ),
            format!(
                "CREATE INDEX {name}_trip_source_id_at_idx
                 ON tracking.positions_loading (trip_source_id, at)"
            ),
            format!("ALTER TABLE tracking.positions_loading RENAME TO {name}"),
            format!(
                "ALTER TABLE tracking.positions ATTACH PARTITION tracking.{name}
                 FOR VALUES FROM ('{from}') TO ('{to}')"
            ),
            format!("ALTER TABLE tracking.{name} DROP CONSTRAINT positions_loading_month"),
            format!("REVOKE ALL ON TABLE tracking.{name} FROM PUBLIC, {APP_ROLE}"),
        ] {
            diesel::sql_query(sql)
                .execute(self.conn)
                .map_err(store_err)?;
        }
        self.targets.insert(month, Target::Parent);
        if self.current.2 == Target::Loading {
            self.current = (0, 0, Target::Parent);
        }
        tracing::debug!(
            partition = %name,
            elapsed_ms = clock.elapsed().as_millis() as u64,
            "partition indexed and attached"
        );
        Ok(())
    }
}

impl PositionImports for DieselPositionTx<'_> {
    fn single_country(&mut self) -> Result<String, StoreError> {
        Ok(single_country(self.conn)?.unwrap_or_default())
    }

    fn record_import(&mut self, r: &PositionImportRecord) -> Result<(), StoreError> {
        let counts = serde_json::to_value(&r.counts).map_err(store_err)?;
        diesel::insert_into(t::imports::table)
            .values((
                t::imports::id.eq(r.id),
                t::imports::source.eq(&r.source),
                t::imports::location.eq(&r.location),
                t::imports::started_at.eq(r.started_at),
                t::imports::finished_at.eq(r.finished_at),
                t::imports::started_by.eq(&r.started_by),
                t::imports::counts.eq(counts),
                t::imports::jurisdiction_path.eq(&r.jurisdiction),
            ))
            .execute(self.conn)
            .map_err(store_err)?;
        Ok(())
    }

    fn remove_trips(&mut self, trips: &[&str]) -> Result<u64, StoreError> {
        let n =
            diesel::delete(t::positions::table.filter(t::positions::trip_source_id.eq_any(trips)))
                .execute(self.conn)
                .map_err(store_err)?;
        Ok(n as u64)
    }

    fn write_positions(
        &mut self,
        trips: &[String],
        boats: &[String],
        points: &[TripPoint],
    ) -> Result<(), StoreError> {
        if points.is_empty() {
            return Ok(());
        }
        let clock = std::time::Instant::now();
        encode_names(&mut self.trips, trips)?;
        encode_names(&mut self.boats, boats)?;
        for p in points {
            let micros = p.point.time().timestamp_micros();
            let target = if (self.current.0..self.current.1).contains(&micros) {
                self.current.2
            } else {
                self.target_of(p.point.time())?
            };
            let buf = match target {
                Target::Parent => &mut self.parent,
                Target::Loading => &mut self.load,
            };
            encode_row(buf, &self.trips, &self.boats, p)?;
        }
        let encoded = clock.elapsed();
        self.flush()?;
        tracing::trace!(
            rows = points.len(),
            encode_us = encoded.as_micros() as u64,
            copy_us = (clock.elapsed() - encoded).as_micros() as u64,
            "positions copied"
        );
        Ok(())
    }

    fn record_rejections(
        &mut self,
        import_id: Uuid,
        rows: &[RejectedRow],
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(INSERT_CHUNK) {
            let values: Vec<_> = chunk
                .iter()
                .map(|r| {
                    (
                        t::rejected_rows::import_id.eq(import_id),
                        t::rejected_rows::file.eq(&r.file),
                        t::rejected_rows::line.eq(r.line as i64),
                        t::rejected_rows::column_name.eq(r.column.as_deref()),
                        t::rejected_rows::reason.eq(&r.reason),
                        t::rejected_rows::raw.eq(&r.raw),
                    )
                })
                .collect();
            diesel::insert_into(t::rejected_rows::table)
                .values(values)
                .execute(self.conn)
                .map_err(store_err)?;
        }
        Ok(())
    }

    fn finish_import(&mut self, r: &PositionImportRecord) -> Result<(), StoreError> {
        self.finish_loading()?;
        let counts = serde_json::to_value(&r.counts).map_err(store_err)?;
        diesel::update(t::imports::table.find(r.id))
            .set((
                t::imports::finished_at.eq(r.finished_at),
                t::imports::counts.eq(counts),
            ))
            .execute(self.conn)
            .map_err(store_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn months_are_bounded_in_utc_and_next_month_is_the_last_partitioned() {
        let b = month_bounds((2024, 12)).map(|(s, e)| (s.to_rfc3339(), e.to_rfc3339()));
        assert_eq!(
            b,
            Some((
                "2024-12-01T00:00:00+00:00".to_string(),
                "2025-01-01T00:00:00+00:00".to_string()
            ))
        );
        assert_eq!(month_bounds((2024, 13)), None);
        let now = Utc
            .with_ymd_and_hms(2026, 12, 31, 23, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("time"));
        assert_eq!(last_partitioned_month(now), (2027, 1));
    }

    #[test]
    fn the_copy_header_is_postgres_binary_format() {
        assert_eq!(&COPY_HEADER[..11], b"PGCOPY\n\xff\r\n\0");
        assert_eq!(COPY_HEADER.len(), 19);
        let t2000 = Utc
            .with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("time"));
        assert_eq!(t2000.timestamp_micros() - PG_EPOCH_MICROS, 0);
    }
}
