//! Bad input: file-level faults stop an import and leave the database as it was; row-level
//! faults reject the row (and its landing) with file, line, column and reason.
//! Files are the project's own synthetic set in the PeskAAS format, then damaged.

mod common;

use std::path::Path;

use common::{Scratch, TestDb};
use tasi::adapters::importers::landings::importer::PeskaasImportError;
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::adapters::importers::landings::synthetic;
use tasi::application::shared::SourceFileError;

fn clean_set(dir: &Path) {
    let end = chrono::NaiveDate::from_ymd_opt(2020, 8, 31).unwrap_or_default();
    synthetic::write(dir, 40, end).unwrap_or_else(|e| panic!("{e}"));
}

fn edit(dir: &Path, file: &str, f: impl FnOnce(String) -> String) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&p, f(text)).unwrap_or_else(|e| panic!("{e}"));
}

/// Imports a clean set, so later tests can check that nothing of it is lost.
fn db_with_clean_import() -> (TestDb, Scratch) {
    let db = TestDb::new();
    let clean = Scratch::new();
    clean_set(&clean.0);
    common::import_dir(&db, &clean.0, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(landings(&db), 40);
    (db, clean)
}

fn landings(db: &TestDb) -> i64 {
    db.count("SELECT count(*) AS n FROM landings.surveyed_landings")
}

fn imports(db: &TestDb) -> i64 {
    db.count("SELECT count(*) AS n FROM landings.imports")
}

/// Runs `tasi import peskaas DIR` against the test database.
fn cli_import(db: &TestDb, dir: &Path) -> (bool, String, String) {
    common::run_cli(db, &["import", "peskaas", &dir.display().to_string()])
}

#[test]
fn a_truncated_csv_stops_the_import_naming_file_and_line_and_keeps_earlier_data() {
    let (db, _clean) = db_with_clean_import();
    let bad = Scratch::new();
    synthetic::write(
        &bad.0,
        60,
        chrono::NaiveDate::from_ymd_opt(2020, 8, 31).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // Cut trips.csv in the middle of its last line.
    edit(&bad.0, "trips.csv", |t| {
        let cut = t.trim_end().rfind(',').unwrap_or(t.len());
        let keep = t[..cut].rfind(',').unwrap_or(cut);
        t[..keep].to_string()
    });
    let lines = std::fs::read_to_string(bad.0.join("trips.csv"))
        .unwrap_or_default()
        .lines()
        .count();

    let (ok, _, stderr) = cli_import(&db, &bad.0);
    assert!(!ok, "the import must fail");
    assert!(stderr.contains("trips.csv"), "{stderr}");
    assert!(stderr.contains(&format!("line {lines}")), "{stderr}");
    assert!(stderr.contains("truncated or malformed"), "{stderr}");
    assert_eq!(landings(&db), 40, "nothing of the earlier import is lost");
    assert_eq!(imports(&db), 1, "no trace of the failed import is written");
}

#[test]
fn a_wrong_header_stops_the_import_naming_the_missing_column() {
    let (db, _clean) = db_with_clean_import();
    let bad = Scratch::new();
    clean_set(&bad.0);
    edit(&bad.0, "catches.csv", |t| {
        t.replacen("weight_g", "weight_kg", 1)
    });

    let err = common::import_dir(&db, &bad.0, SOURCE).err();
    match err {
        Some(PeskaasImportError::File(SourceFileError::WrongHeader { file, missing })) => {
            assert!(file.ends_with("catches.csv"), "{file}");
            assert_eq!(missing, vec!["weight_g".to_string()]);
        }
        other => panic!("expected a wrong-header error, got {other:?}"),
    }
    let (ok, _, stderr) = cli_import(&db, &bad.0);
    assert!(!ok);
    assert!(
        stderr.contains("catches.csv, line 1: wrong header: missing column(s) weight_g"),
        "{stderr}"
    );
    assert_eq!(landings(&db), 40);
    assert_eq!(imports(&db), 1);
}

#[test]
fn a_missing_file_stops_the_import_naming_it() {
    let (db, _clean) = db_with_clean_import();
    let bad = Scratch::new();
    clean_set(&bad.0);
    std::fs::remove_file(bad.0.join("species.csv")).unwrap_or_else(|e| panic!("{e}"));
    let (ok, _, stderr) = cli_import(&db, &bad.0);
    assert!(!ok);
    assert!(stderr.contains("species.csv: cannot be read"), "{stderr}");
    assert_eq!(landings(&db), 40);
}

#[test]
fn a_non_numeric_weight_rejects_its_catch_line_and_its_landing_and_imports_the_rest() {
    let db = TestDb::new();
    let dir = Scratch::new();
    clean_set(&dir.0);
    // The first catch line (file line 2) gets an unreadable weight.
    let mut trip_id = String::new();
    edit(&dir.0, "catches.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let mut f: Vec<String> = lines[1].split(',').map(str::to_string).collect();
        trip_id = f[0].clone();
        f[4] = "heavy".into();
        lines[1] = f.join(",");
        lines.join("\n") + "\n"
    });
    let lines_of_trip = std::fs::read_to_string(dir.0.join("catches.csv"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with(&format!("{trip_id},")))
        .count() as u64;

    let report = common::import_dir(&db, &dir.0, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let trips = report
        .tables
        .iter()
        .find(|t| t.table == "trips.csv")
        .cloned()
        .unwrap_or_default();
    let catches = report
        .tables
        .iter()
        .find(|t| t.table == "catches.csv")
        .cloned()
        .unwrap_or_default();
    assert_eq!((trips.read, trips.imported, trips.rejected), (40, 39, 1));
    assert_eq!(catches.rejected, lines_of_trip);
    assert_eq!(catches.imported + catches.rejected, catches.read);
    assert_eq!(landings(&db), 39);
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) AS n FROM landings.surveyed_landings WHERE source_id = {trip_id}"
        )),
        0,
        "the whole landing is rejected"
    );
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM landings.rejected_rows
             WHERE file = 'catches.csv' AND line = 2 AND column_name = 'weight_g' AND reason = '`heavy` is not a number'"
        ),
        1
    );
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) AS n FROM landings.rejected_rows WHERE file = 'trips.csv' AND raw LIKE '{trip_id},%'
             AND reason LIKE 'its catch line on catches.csv line 2 was rejected%'"
        )),
        1
    );
}

#[test]
fn a_catch_line_whose_landing_is_missing_is_rejected_and_the_rest_imported() {
    let (db, _clean) = db_with_clean_import();
    let dir = Scratch::new();
    clean_set(&dir.0);
    edit(&dir.0, "catches.csv", |t| {
        t + "999999999,1,20,3,450.5,sale,0,\n"
    });
    let total_lines = std::fs::read_to_string(dir.0.join("catches.csv"))
        .unwrap_or_default()
        .lines()
        .count();

    let (ok, stdout, stderr) = cli_import(&db, &dir.0);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("trips.csv: 40 read, 0 imported, 40 unchanged, 0 rejected"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rejected rows are listed at /imports/"),
        "{stdout}"
    );
    let catches_line = stdout
        .lines()
        .find(|l| l.starts_with("catches.csv:"))
        .unwrap_or_default();
    assert!(catches_line.ends_with(", 1 rejected"), "{catches_line}");
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) AS n FROM landings.rejected_rows WHERE file = 'catches.csv' AND line = {total_lines}
             AND column_name = 'trip_id' AND reason = 'no landing with trip_id 999999999 in trips.csv'"
        )),
        1
    );
    assert_eq!(landings(&db), 40);
}

#[test]
fn values_that_can_be_read_are_kept_as_reported_and_flagged() {
    let db = TestDb::new();
    let dir = Scratch::new();
    clean_set(&dir.0);
    // A 1922 date, negative hours and an unknown habitat code are readable: kept, flagged.
    edit(&dir.0, "trips.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let mut f: Vec<String> = lines[1].split(',').map(str::to_string).collect();
        f[1] = "1922-11-04".into();
        f[3] = "9".into();
        f[9] = "-3".into();
        lines[1] = f.join(",");
        lines.join("\n") + "\n"
    });
    let report = common::import_dir(&db, &dir.0, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.tables.iter().all(|t| t.rejected == 0));
    assert_eq!(landings(&db), 40);
    for code in [
        "date.before_survey_start",
        "habitat.unknown",
        "hours_at_sea.negative",
    ] {
        assert_eq!(
            db.count(&format!(
                "SELECT count(*) AS n FROM landings.quality_flags WHERE code = '{code}'"
            )),
            1,
            "{code}"
        );
    }
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.surveyed_landings WHERE landing_date = '1922-11-04' AND hours_at_sea = -3 AND NOT counts_in_summaries"),
        1
    );
}

#[test]
fn a_changed_landing_is_replaced_whole_on_reimport_and_the_rest_left_alone() {
    let db = TestDb::new();
    let dir = Scratch::new();
    clean_set(&dir.0);
    common::import_dir(&db, &dir.0, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let lines_before = db.count("SELECT count(*) AS n FROM landings.catch_lines");

    // The first landing's first catch line doubles its weight; one more catch line is added.
    let mut trip_id = String::new();
    edit(&dir.0, "catches.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let mut f: Vec<String> = lines[1].split(',').map(str::to_string).collect();
        trip_id = f[0].clone();
        let w: f64 = f[4].parse().unwrap_or(0.0);
        f[4] = format!("{:.1}", w * 2.0);
        lines[1] = f.join(",");
        lines.push(format!("{trip_id},2,20,1,100.0,food,0,"));
        lines.join("\n") + "\n"
    });
    let id_before = db.count(&format!(
        "SELECT count(*) AS n FROM landings.surveyed_landings WHERE source_id = {trip_id}"
    ));
    assert_eq!(id_before, 1);

    let report = common::import_dir(&db, &dir.0, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let trips = report
        .tables
        .iter()
        .find(|t| t.table == "trips.csv")
        .cloned()
        .unwrap_or_default();
    assert_eq!((trips.imported, trips.unchanged), (1, 39));
    assert_eq!(landings(&db), 40);
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.catch_lines"),
        lines_before + 1
    );
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM landings.catch_lines c
             WHERE NOT EXISTS (SELECT 1 FROM landings.surveyed_landings s WHERE s.id = c.landing_id)"
        ),
        0,
        "no catch line is left without its landing"
    );
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) AS n FROM landings.catch_lines c JOIN landings.surveyed_landings s ON s.id = c.landing_id
             WHERE s.source_id = {trip_id} AND c.species_code = 2 AND c.weight_g = 100"
        )),
        1
    );
}
