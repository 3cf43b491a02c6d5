//! The Pelagic Data Systems trips importer, black-box through the `tasi` command, on files
//! written here in the documented export format.

mod common;

use common::{Scratch, TestDb, peskaas_dir};
use tasi::adapters::importers::landings::peskaas::SOURCE;

const HEADER: &str = "Trip,Started,Ended,Boat,Boat Name,Boat Gear,Community,Duration (Seconds),Range (Meters),Distance (Meters),IMEI,Device Id,Last Seen";

#[test]
fn pds_trips_are_imported_assessed_and_placed_with_bad_rows_reported() {
    let db = TestDb::new();
    common::import_dir(&db, &peskaas_dir(), SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let scratch = Scratch::new();
    let file = scratch.0.join("pds-trips.csv");
    let rows = [
        // 2: a normal day trip at Station 6, ending after midnight in Dili (UTC+9).
        "9001,2020-05-01 06:00:00,2020-05-01 16:30:00,B1,Maria,gillnet,Station 6,37800,5000,22000,863835026738521,77,2020-05-02",
        // 3: a 97-hour trip (duration rule), written with an offset.
        "9002,2020-05-03T06:00:00+09:00,2020-05-07T07:00:00+09:00,B1,Maria,gillnet,Station 6,349200,5000,30000,863835026738521,77,",
        // 4: 12 minutes (too short) and 250 km (too far), at an unknown community.
        "9003,2020-05-09 06:00:00,2020-05-09 06:12:00,B2,,handline,Nowhere Beach,720,100,250000,861508039395645,78,",
        // 5: the end before the start.
        "9004,2020-05-09 06:00:00,2020-05-09 05:00:00,B2,,handline,Station 6,3600,100,2000,861508039395645,78,",
        // 6: a 14-digit IMEI.
        "9005,2020-05-10 06:00:00,2020-05-10 09:00:00,B2,,handline,Station 6,10800,100,2000,86150803939564,78,",
        // 7: a time that is not a time.
        "9006,10/05/2020,2020-05-10 09:00:00,B2,,handline,Station 6,10800,100,2000,861508039395645,78,",
        // 8: a negative distance.
        "9007,2020-05-11 06:00:00,2020-05-11 09:00:00,B2,,handline,Station 6,10800,100,-5,861508039395645,78,",
    ];
    std::fs::write(&file, format!("{HEADER}\n{}\n", rows.join("\n")))
        .unwrap_or_else(|e| panic!("{e}"));
    let path = file.display().to_string();
    let (ok, out, err) = common::run_cli(&db, &["import", "pds-trips", &path]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("pds-trips.csv: 7 read, 3 imported, 0 unchanged, 4 rejected"),
        "{out}"
    );
    for (line, column) in [
        (5, "Ended"),
        (6, "IMEI"),
        (7, "Started"),
        (8, "Distance (Meters)"),
    ] {
        assert_eq!(
            db.count(&format!(
                "SELECT count(*) AS n FROM tracking.rejected_rows
                 WHERE file = 'pds-trips.csv' AND line = {line} AND column_name = '{column}'"
            )),
            1,
            "line {line} {column}"
        );
    }
    // Landing date in Asia/Dili: 16:30 UTC on 1 May is 01:30 on 2 May there.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM tracking.tracked_trips
             WHERE source = 'pds' AND source_trip_id = '9001' AND trip_date = '2020-05-02'
               AND abs(duration_hours - 10.5) < 1e-9 AND distance_m = 22000
               AND site_path LIKE 'Timor-Leste/%/Station 6' AND is_valid"
        ),
        1
    );
    let flagged = |id: &str, code: &str| {
        db.count(&format!(
            "SELECT count(*) AS n FROM tracking.tracked_trips, jsonb_array_elements(flags) f
             WHERE source_trip_id = '{id}' AND f->>'code' = '{code}' AND NOT is_valid"
        ))
    };
    assert_eq!(flagged("9002", "track.duration_too_long"), 1);
    assert_eq!(flagged("9003", "track.duration_too_short"), 1);
    assert_eq!(flagged("9003", "track.distance_too_long"), 1);
    // An unknown community sits under the country.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM tracking.tracked_trips
             WHERE source_trip_id = '9003' AND site_path = 'Timor-Leste'"
        ),
        1
    );
    // The vessel, its name, the device and its deployment.
    assert_eq!(
        db.count("SELECT count(*) AS n FROM tracking.vessels WHERE id = 'B1' AND name = 'Maria'"),
        1
    );
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM tracking.deployments
             WHERE imei = '863835026738521' AND vessel_id = 'B1'
               AND from_date = '2020-05-02' AND to_date = '2020-05-07'"
        ),
        1
    );
    // Idempotent.
    let (ok, out, _) = common::run_cli(&db, &["import", "pds-trips", &path]);
    assert!(
        ok && out.contains("7 read, 0 imported, 3 unchanged, 4 rejected"),
        "{out}"
    );
    // A missing column: nothing written, the file and column named.
    std::fs::write(&file, "Trip,Started,Ended\n1,2020-01-01 00:00:00,\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let (ok, _, err) = common::run_cli(&db, &["import", "pds-trips", &path]);
    assert!(
        !ok && err.contains("pds-trips.csv") && err.contains("Boat"),
        "{err}"
    );
    assert_eq!(db.count("SELECT count(*) AS n FROM tracking.imports"), 2);

    // The points export arrives: trip 9001 is assessed on its positions. One point in five
    // is faster than 30 m/s (over Peskas's 10 %): the trip leaves the effort figures.
    let points = scratch.0.join("pds-points.csv");
    let mut text = String::from(
        "Time,Boat,Trip,Lat,Lng,Speed (M/S),Range (Meters),Heading,Boat Name,Community\n",
    );
    for k in 0..50 {
        let speed = if k % 5 == 0 { 35.0 } else { 2.0 };
        text.push_str(&format!(
            "2020-05-01 {:02}:{:02}:00,B1,9001,-8.40,{:.4},{speed},100,90,Maria,Station 6\n",
            6 + (5 + k * 10) / 60,
            (5 + k * 10) % 60,
            125.55 + 0.002 * k as f64
        ));
    }
    std::fs::write(&points, text).unwrap_or_else(|e| panic!("{e}"));
    let (ok, out, err) = common::run_cli(
        &db,
        &["import", "pds-points", &points.display().to_string()],
    );
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("positions: 50 read, 50 imported, 0 rejected"),
        "{out}"
    );
    assert!(
        out.contains("1 tracked trips assessed on their positions"),
        "{out}"
    );
    assert_eq!(flagged("9001", "track.too_fast"), 1);
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM tracking.tracked_trips
             WHERE source_trip_id = '9001' AND cardinality(sample_lat) = 10
               AND sample_lon[1] = 125.55 AND distance_m = 22000"
        ),
        1,
        "the track signature is sampled from the points; the reported distance stays"
    );
    // Positions are as confidential as the trip: the application role sees them only under
    // a scope that covers the trip's site.
    use diesel::prelude::*;
    let seen = |scope: &str| {
        let mut c = diesel::PgConnection::establish(
            &tasi::adapters::persistence::shared::app_url_from(&db.url),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        c.transaction::<i64, diesel::result::Error, _>(|c| {
            diesel::sql_query("SELECT set_config('tasi.scope', $1, true)")
                .bind::<diesel::sql_types::Text, _>(scope)
                .execute(c)?;
            #[derive(QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            Ok(
                diesel::sql_query("SELECT count(*) AS n FROM tracking.positions")
                    .get_result::<N>(c)?
                    .n,
            )
        })
        .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(seen(r#"["Timor-Leste/Atauro"]"#), 50);
    assert_eq!(seen(r#"["Timor-Leste/Baucau"]"#), 0);
}
