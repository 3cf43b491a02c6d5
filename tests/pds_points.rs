//! The PDS points importer against a real PostgreSQL: files written here in the documented
//! format (`Time, Boat, Trip, Lat, Lng, Speed (M/S), Range (Meters), Heading, Boat Name,
//! Community`), imported through the library and once through the `tasi` binary.

mod common;

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDateTime};
use common::{Scratch, TestDb};
use diesel::prelude::*;
use tasi::adapters::importers::tracking::importer::TrackImports;
use tasi::application::shared::{Caller, SourceFileError};
use tasi::application::tracking::import_positions::{
    ImportPositionsError, PositionImportContext, PositionImportReport,
};

const HEADER: &str =
    "Time,Boat,Trip,Lat,Lng,Speed (M/S),Range (Meters),Heading,Boat Name,Community";

/// Writes `name` in `dir` with the PDS header and `rows`.
fn write_points(dir: &Path, name: &str, header: &str, rows: &[String]) -> PathBuf {
    let path = dir.join(name);
    let mut text = format!("{header}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn time(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// `n` points of `trip` every 7 s from `start`, drifting south-east off Dili.
fn track(trip: u32, boat: u32, start: &str, n: usize) -> Vec<String> {
    let t0 = time(start);
    (0..n)
        .map(|i| {
            let t = t0 + Duration::seconds(7 * i as i64);
            format!(
                "{},{boat},{trip},{:.6},{:.6},{:.2},{},{},\"Boat {boat}, Dili\",Dili",
                t.format("%Y-%m-%d %H:%M:%S"),
                -8.5 - i as f64 * 0.0001,
                125.5 + i as f64 * 0.0001,
                1.5 + (i % 3) as f64 * 0.25,
                100 * i,
                (i * 10) % 360,
            )
        })
        .collect()
}

/// Imports `file` through the library, as the command line does (then the trips it holds
/// are assessed on their positions).
fn import_pds_points_with(
    db: &TestDb,
    file: &Path,
    ctx: &PositionImportContext,
) -> Result<PositionImportReport, ImportPositionsError> {
    let platform = db.platform();
    TrackImports::new(platform.uow().clone())
        .pds_points(&Caller::system("test"), file, ctx)
        .map(|(report, _)| report)
}

/// A small batch, so that a test file spans several COPY batches.
fn import(db: &TestDb, file: &Path) -> PositionImportReport {
    let ctx = PositionImportContext {
        batch_rows: 7,
        ..PositionImportContext::now("test")
    };
    import_pds_points_with(db, file, &ctx).unwrap_or_else(|e| panic!("{e}"))
}

fn positions(db: &TestDb, table: &str) -> i64 {
    db.count(&format!("SELECT count(*) AS n FROM tracking.{table}"))
}

fn rejected(db: &TestDb, line: u64, column: &str, reason: &str) -> i64 {
    db.count(&format!(
        "SELECT count(*) AS n FROM tracking.rejected_rows
         WHERE file = 'points.csv' AND line = {line} AND column_name = '{column}'
           AND reason LIKE '%{reason}%'"
    ))
}

#[test]
fn a_file_spanning_two_months_fills_one_partition_per_month() {
    let db = TestDb::new();
    let dir = Scratch::new();
    // Trip 501 crosses midnight of 31 January (UTC): 9 points in January, 21 in February.
    let mut rows = track(501, 7, "2024-01-31 23:59:00", 30);
    rows.extend(track(502, 8, "2024-02-10 05:00:00", 12));
    // Then January again, once its partition is made (these rows go through the parent).
    rows.extend(track(503, 9, "2024-01-15 10:00:00", 5));
    let file = write_points(&dir.0, "points.csv", HEADER, &rows);

    let report = import(&db, &file);
    let c = &report.counts;
    assert_eq!((c.read, c.imported, c.rejected, c.trips), (47, 47, 0, 3));
    assert_eq!(positions(&db, "positions"), 47);
    assert_eq!(positions(&db, "positions_2024_01"), 14);
    assert_eq!(positions(&db, "positions_2024_02"), 33);
    assert_eq!(positions(&db, "positions_default"), 0);
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM pg_inherits
             WHERE inhparent = 'tracking.positions'::regclass"
        ),
        3,
        "the default partition and one per month"
    );
    // Each partition has the (trip, at) index of the parent.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM pg_indexes WHERE schemaname = 'tracking'
             AND tablename IN ('positions_2024_01', 'positions_2024_02')
             AND indexdef LIKE '%(trip_source_id, at)%'"
        ),
        2
    );
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM pg_inherits
             WHERE inhparent = 'tracking.positions_trip_at'::regclass"
        ),
        3,
        "each partition's index is part of the parent's"
    );
    // No constraint or table of the loading is left.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM pg_constraint WHERE conname = 'positions_loading_month'"
        ) + db.count("SELECT count(*) AS n FROM pg_class WHERE relname = 'positions_loading'"),
        0
    );
    // The application role reads positions through the parent only.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM (VALUES ('tracking.positions_2024_01'),
                                               ('tracking.positions_2024_02')) t(name)
             WHERE has_table_privilege('tasi_app', name, 'SELECT')"
        ),
        0
    );
    // Values arrive as written (binary COPY: times in UTC, floats, NULLs).
    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        at: String,
        #[diesel(sql_type = diesel::sql_types::Double)]
        lat: f64,
        #[diesel(sql_type = diesel::sql_types::Double)]
        lon: f64,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Float>)]
        speed_mps: Option<f32>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Float>)]
        range_m: Option<f32>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Float>)]
        heading: Option<f32>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        boat: Option<String>,
    }
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    let row: Row = diesel::sql_query(
        "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at, lat, lon,
                speed_mps, range_m, heading, boat
         FROM tracking.positions WHERE trip_source_id = '501' ORDER BY at OFFSET 9 LIMIT 1",
    )
    .get_result(&mut c)
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        row,
        Row {
            at: "2024-02-01 00:00:03".into(),
            lat: -8.5009,
            lon: 125.5009,
            speed_mps: Some(1.5),
            range_m: Some(900.0),
            heading: Some(90.0),
            boat: Some("7".into()),
        }
    );
    // The import is recorded.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM tracking.imports
             WHERE source = 'pds' AND (counts->>'read')::int = 47
               AND (counts->>'imported')::int = 47 AND (counts->>'rejected')::int = 0
               AND jurisdiction_path = ''"
        ),
        1
    );
}

#[test]
fn malformed_rows_are_rejected_with_line_and_column_and_the_rest_imported() {
    let db = TestDb::new();
    let dir = Scratch::new();
    let mut rows = track(601, 3, "2024-03-01 04:00:00", 20);
    // File lines are row index + 2 (the header is line 1).
    rows[1] = "2024-03-01 4h00,3,601,-8.5,125.5,1.0,10,90,B,C".into(); // line 3
    rows[3] = "2024-03-01 04:00:21,3,601,91,125.5,1.0,10,90,B,C".into(); // line 5
    rows[5] = "2024-03-01 04:00:35,3,,-8.5,125.5,1.0,10,90,B,C".into(); // line 7
    rows[7] = "2024-03-01 04:00:49,3,601,-8.5,125.5".into(); // line 9
    rows[9] = "2024-03-01 04:01:03,3,601,-8.5,125.5,fast,10,90,B,C".into(); // line 11
    rows[11] = "2024-03-01 04:01:17,3,601,-8.5,125.5,-0.5,10,90,B,C".into(); // line 13
    rows[13] = "2024-03-01 04:01:31,3,601,-8.5,125.5,1.0,10,361,B,C".into(); // line 15
    rows[15] = "2024-03-01T04:01:45,3,601,-8.5,125.5,1.0,10,90,B,C".into(); // line 17
    rows[17] = "2024-03-01 04:01:59,3,601,-8.5,,1.0,10,90,B,C".into(); // line 19
    let file = write_points(&dir.0, "points.csv", HEADER, &rows);

    let report = import(&db, &file);
    assert_eq!(
        (
            report.counts.read,
            report.counts.imported,
            report.counts.rejected
        ),
        (20, 11, 9)
    );
    assert_eq!(positions(&db, "positions"), 11);
    assert_eq!(
        rejected(&db, 3, "Time", "`2024-03-01 4h00` is not a time"),
        1
    );
    assert_eq!(rejected(&db, 5, "Lat", "latitude 91 is outside -90..90"), 1);
    assert_eq!(rejected(&db, 7, "Trip", "no trip id"), 1);
    assert_eq!(
        rejected(&db, 9, "Speed (M/S)", "5 fields where the header has 10"),
        1
    );
    assert_eq!(
        rejected(&db, 11, "Speed (M/S)", "`fast` is not a number"),
        1
    );
    assert_eq!(rejected(&db, 13, "Speed (M/S)", "speed -0.5 m/s"), 1);
    assert_eq!(
        rejected(&db, 15, "Heading", "heading 361 is outside 0..360"),
        1
    );
    assert_eq!(rejected(&db, 17, "Time", "has no time zone"), 1);
    assert_eq!(rejected(&db, 19, "Lng", "no value"), 1);
    // The rejected row is kept as it was written, under the import.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM tracking.rejected_rows r
             JOIN tracking.imports i ON i.id = r.import_id
             WHERE r.line = 9 AND r.raw = '2024-03-01 04:00:49,3,601,-8.5,125.5'
               AND (i.counts->>'rejected')::int = 9"
        ),
        1
    );
}

#[test]
fn a_file_missing_a_column_is_refused_whole_and_writes_nothing() {
    let db = TestDb::new();
    let dir = Scratch::new();
    let header = HEADER.replace("Lat,", "Latitude,");
    let file = write_points(
        &dir.0,
        "points.csv",
        &header,
        &track(701, 1, "2024-04-01 00:00:00", 5),
    );
    match import_pds_points_with(&db, &file, &PositionImportContext::now("test")) {
        Err(ImportPositionsError::File(SourceFileError::WrongHeader { file: f, missing })) => {
            assert!(f.ends_with("points.csv"), "{f}");
            assert_eq!(missing, vec!["Lat".to_string()]);
        }
        other => panic!("expected a wrong-header error, got {other:?}"),
    }
    assert_eq!(positions(&db, "positions"), 0);
    assert_eq!(positions(&db, "imports"), 0);
}

#[test]
fn a_fault_deep_in_the_file_rolls_back_the_batches_already_copied() {
    let db = TestDb::new();
    let dir = Scratch::new();
    // 50 good rows (several batches of 7, each copied), then a quote that never closes.
    let mut rows = track(801, 1, "2024-05-01 00:00:00", 50);
    rows.push(format!(
        "2024-05-01 01:00:00,1,801,-8.5,125.5,1,1,1,\"{}",
        "x".repeat(3 << 20)
    ));
    let file = write_points(&dir.0, "points.csv", HEADER, &rows);
    let ctx = PositionImportContext {
        batch_rows: 7,
        ..PositionImportContext::now("test")
    };
    match import_pds_points_with(&db, &file, &ctx) {
        Err(ImportPositionsError::File(e @ SourceFileError::Malformed { .. })) => {
            let message = e.to_string();
            assert!(message.contains("points.csv, line 52"), "{message}");
            assert!(message.contains("unclosed quote"), "{message}");
        }
        other => panic!("expected a malformed-file error, got {other:?}"),
    }
    assert_eq!(positions(&db, "positions"), 0);
    assert_eq!(positions(&db, "imports"), 0);
    assert_eq!(positions(&db, "rejected_rows"), 0);
    assert_eq!(
        db.count("SELECT count(*) AS n FROM pg_class WHERE relname = 'positions_2024_05'"),
        0,
        "the partition created for it is rolled back too"
    );
}

#[test]
fn re_importing_a_file_leaves_the_same_positions_and_a_new_export_replaces_its_trips() {
    let db = TestDb::new();
    let dir = Scratch::new();
    let mut rows = track(901, 1, "2024-06-01 00:00:00", 25);
    rows.extend(track(902, 2, "2024-06-01 00:00:00", 15));
    let file = write_points(&dir.0, "points.csv", HEADER, &rows);

    let first = import(&db, &file);
    let second = import(&db, &file);
    assert_eq!(first.counts.imported, 40);
    assert_eq!(second.counts.imported, 40);
    assert_eq!(second.counts.replaced, 40);
    assert_eq!(positions(&db, "positions"), 40);
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM (SELECT trip_source_id, at FROM tracking.positions
             GROUP BY 1, 2 HAVING count(*) > 1) d"
        ),
        0
    );
    assert_eq!(positions(&db, "imports"), 2);

    // A later export of trip 901 alone, with more points: 901 is replaced, 902 kept.
    let later = write_points(
        &dir.0,
        "points-later.csv",
        HEADER,
        &track(901, 1, "2024-06-01 00:00:00", 30),
    );
    let third = import(&db, &later);
    assert_eq!((third.counts.imported, third.counts.replaced), (30, 25));
    assert_eq!(
        db.count("SELECT count(*) AS n FROM tracking.positions WHERE trip_source_id = '901'"),
        30
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM tracking.positions WHERE trip_source_id = '902'"),
        15
    );
}

#[test]
fn a_month_already_in_the_default_partition_gets_its_partition_with_those_rows() {
    let db = TestDb::new();
    let dir = Scratch::new();
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    // A position of July stored before July had a partition: it sits in the default one.
    diesel::sql_query(
        "INSERT INTO tracking.positions (trip_source_id, at, lat, lon)
         VALUES ('earlier', '2024-07-15 10:00:00+00', -8.6, 125.6)",
    )
    .execute(&mut c)
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(positions(&db, "positions_default"), 1);
    // A clock gone wrong (1999) keeps its row, in the default partition, without a partition.
    let mut rows = track(1001, 1, "2024-07-20 00:00:00", 10);
    rows.push("1999-12-31 23:59:59,1,1001,-8.5,125.5,,,,B,C".into());
    let file = write_points(&dir.0, "points.csv", HEADER, &rows);

    let report = import(&db, &file);
    assert_eq!(report.counts.imported, 11);
    assert_eq!(
        positions(&db, "positions_2024_07"),
        11,
        "10 new and the one moved"
    );
    assert_eq!(positions(&db, "positions_default"), 1, "the 1999 row");
    assert_eq!(
        db.count("SELECT count(*) AS n FROM pg_class WHERE relname LIKE 'positions_1999%'"),
        0
    );
    assert_eq!(positions(&db, "positions"), 12);
}

#[test]
fn the_import_covers_the_single_country_of_the_jurisdiction_tree() {
    let db = TestDb::new();
    let dir = Scratch::new();
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(
        "INSERT INTO geography.jurisdictions (id, path, name, kind)
         VALUES (gen_random_uuid(), 'Timor-Leste', 'Timor-Leste', 'country')",
    )
    .execute(&mut c)
    .unwrap_or_else(|e| panic!("{e}"));
    let file = write_points(
        &dir.0,
        "points.csv",
        HEADER,
        &track(1101, 1, "2024-08-01 00:00:00", 3),
    );
    import(&db, &file);
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM tracking.imports WHERE jurisdiction_path = 'Timor-Leste'"
        ),
        1
    );
}

#[test]
fn the_cli_imports_a_points_file_prints_its_counts_and_audits_it() {
    let db = TestDb::new();
    let dir = Scratch::new();
    let mut rows = track(1201, 4, "2024-09-01 00:00:00", 8);
    rows.push("2024-09-01 00:10:00,4,1201,-8.5,125.5,1,1,1000,B,C".into());
    let file = write_points(&dir.0, "points.csv", HEADER, &rows);
    let (ok, stdout, stderr) =
        common::run_cli(&db, &["import", "pds-points", &file.display().to_string()]);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("positions: 9 read, 8 imported, 1 rejected"),
        "{stdout}"
    );
    assert_eq!(positions(&db, "positions"), 8);
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM access.audit_log
             WHERE actor = 'cli' AND action = 'import' AND details->>'source' = 'pds'"
        ),
        1
    );

    // A missing file: the command fails naming it.
    let missing = dir.0.join("nope.csv").display().to_string();
    let (ok, _, stderr) = common::run_cli(&db, &["import", "pds-points", &missing]);
    assert!(!ok);
    assert!(stderr.contains("nope.csv: cannot be read"), "{stderr}");
}
