//! The tracking context on the real PeskAAS data: the import of `tracked_trips.csv`, its
//! track rules, its idempotence and bad rows, and scoping of the tracks.

mod common;

use common::{Scratch, TestDb, peskaas_dir};
use tasi::adapters::importers::peskaas::SOURCE;
use tasi::adapters::importers::run::{import_peskaas_dir, import_peskaas_tracks};

fn import_all(db: &TestDb, dir: &std::path::Path) {
    import_peskaas_dir(&db.pool, dir, SOURCE, "test").unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_peskaas_tracked_trips_are_imported_with_exact_counts_and_flags() {
    let db = TestDb::new();
    let dir = peskaas_dir();
    import_all(&db, &dir);
    let r = import_peskaas_tracks(&db.pool, &dir, "test").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            r.counts.read,
            r.counts.imported,
            r.counts.unchanged,
            r.counts.rejected
        ),
        (30_193, 30_193, 0, 0)
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM tracking.tracked_trips"),
        30_193
    );
    // The source's own links to surveyed landings, kept for comparison.
    assert_eq!(
        db.count("SELECT count(source_landing_id) AS n FROM tracking.tracked_trips"),
        968
    );
    assert_eq!(db.count("SELECT count(*) AS n FROM tracking.vessels"), 285);
    assert_eq!(db.count("SELECT count(*) AS n FROM tracking.devices"), 286);
    // Every trip sits at a landing site of the tree (no trip under the bare country).
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM tracking.tracked_trips WHERE site_path NOT LIKE '%/%/%'"
        ),
        0
    );
    // Ten sampled positions per trip, as in the file.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM tracking.tracked_trips
             WHERE cardinality(sample_lat) <> 10 OR cardinality(sample_lon) <> 10"
        ),
        0
    );
    // Date-only trips: no duration or speed rule can fire; identical tracks of a vessel
    // (45 sets in the data, 10 of them one spot repeated) and positions on land can.
    let flagged = |code: &str| {
        db.count(&format!(
            "SELECT count(*) AS n FROM tracking.tracked_trips, jsonb_array_elements(flags) f
             WHERE f->>'code' = '{code}'"
        ))
    };
    assert_eq!(flagged("track.duplicate"), 42);
    assert_eq!(r.invalid, 42);
    assert_eq!(flagged("track.on_land"), 157);
    assert_eq!(flagged("track.duration_too_long"), 0);
    assert_eq!(
        db.count("SELECT count(*) AS n FROM tracking.tracked_trips WHERE NOT is_valid"),
        42
    );

    // A second import changes nothing.
    let again = import_peskaas_tracks(&db.pool, &dir, "test").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.counts.imported, again.counts.unchanged), (0, 30_193));
    assert_eq!(
        db.count("SELECT count(*) AS n FROM tracking.tracked_trips"),
        30_193
    );
}

#[test]
fn bad_tracked_trip_rows_are_rejected_with_line_and_column() {
    let db = TestDb::new();
    let scratch = Scratch::new();
    let src = peskaas_dir();
    for f in [
        "municipalities.geojson",
        "stations.csv",
        "species.csv",
        "trips.csv",
        "catches.csv",
    ] {
        std::fs::copy(src.join(f), scratch.0.join(f)).unwrap_or_else(|e| panic!("{e}"));
    }
    let text =
        std::fs::read_to_string(src.join("tracked_trips.csv")).unwrap_or_else(|e| panic!("{e}"));
    let mut lines: Vec<String> = text.lines().take(6).map(str::to_string).collect();
    // line 3: a 14-digit IMEI; line 4: latitude 95; line 5: no date.
    let mut f: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    f[3] = "86383502673852".into();
    lines[2] = f.join(",");
    let mut f: Vec<String> = lines[3].split(',').map(str::to_string).collect();
    f[11] = "95".into();
    lines[3] = f.join(",");
    let mut f: Vec<String> = lines[4].split(',').map(str::to_string).collect();
    f[1] = String::new();
    lines[4] = f.join(",");
    std::fs::write(scratch.0.join("tracked_trips.csv"), lines.join("\n") + "\n")
        .unwrap_or_else(|e| panic!("{e}"));
    import_all(&db, &scratch.0);
    let r = import_peskaas_tracks(&db.pool, &scratch.0, "test").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (r.counts.read, r.counts.imported, r.counts.rejected),
        (5, 2, 3)
    );
    for (line, column) in [(3, "IMEI"), (4, "lat1"), (5, "date")] {
        assert_eq!(
            db.count(&format!(
                "SELECT count(*) AS n FROM tracking.rejected_rows
                 WHERE file = 'tracked_trips.csv' AND line = {line} AND column_name = '{column}'"
            )),
            1,
            "line {line}, column {column}"
        );
    }
    // A header without the positions is a file-level fault: nothing is written.
    std::fs::write(
        scratch.0.join("tracked_trips.csv"),
        "PDS_trip,date,boat_id,IMEI\n1,2018-01-01,2,863835026738521\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let e = import_peskaas_tracks(&db.pool, &scratch.0, "test")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("tracked_trips.csv") && e.contains("lat1"), "{e}");
    assert_eq!(db.count("SELECT count(*) AS n FROM tracking.imports"), 1);
}
