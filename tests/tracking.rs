//! The tracking context on the real PeskAAS data: the import of `tracked_trips.csv`, its
//! track rules, its idempotence and bad rows, and scoping of the tracks.

mod common;

use tasi::adapters::http::shared::views::int;

use common::{Scratch, TestDb, peskaas_dir};
use tasi::adapters::importers::landings::peskaas::SOURCE;

fn import_all(db: &TestDb, dir: &std::path::Path) {
    common::import_dir(db, dir, SOURCE).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_peskaas_tracked_trips_are_imported_with_exact_counts_and_flags() {
    let db = TestDb::new();
    let dir = peskaas_dir();
    import_all(&db, &dir);
    let r = common::import_tracks(&db, &dir).unwrap_or_else(|e| panic!("{e}"));
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
    let again = common::import_tracks(&db, &dir).unwrap_or_else(|e| panic!("{e}"));
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
    let r = common::import_tracks(&db, &scratch.0).unwrap_or_else(|e| panic!("{e}"));
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
    let e = common::import_tracks(&db, &scratch.0)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("tracked_trips.csv") && e.contains("lat1"), "{e}");
    assert_eq!(db.count("SELECT count(*) AS n FROM tracking.imports"), 1);
}

const PW: &str = "reef fish at dawn over Atauro";

fn path(p: &str) -> tasi::domain::shared::JurisdictionPath {
    tasi::domain::shared::JurisdictionPath::parse(p).unwrap_or_else(|e| panic!("{e}"))
}

/// The real data imported (landings and tracks); the spatial-catch models are rebuilt by
/// the events of the imports.
fn prepared() -> TestDb {
    let db = TestDb::new();
    let dir = peskaas_dir();
    import_all(&db, &dir);
    common::import_tracks(&db, &dir).unwrap_or_else(|e| panic!("{e}"));
    db
}

fn user(db: &TestDb, email: &str, role: tasi::domain::access::Role, at: &str) {
    common::add_user_as(
        db,
        email,
        PW,
        &tasi::application::access::NewGrants::On(role, path(at)),
    );
}

fn text_of(db: &TestDb, sql: &str) -> String {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(sql)
        .get_result::<T>(&mut c)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .t
}

#[actix_web::test]
async fn the_tracking_map_pages_and_products_work_on_the_peskaas_data() {
    use tasi::domain::access::Role;
    let db = prepared();
    // Matching on the real data, and its agreement with the source's 968 links.
    let matches = db.count("SELECT count(*) AS n FROM spatial_catch.matches");
    assert_eq!(matches, 1_220);
    let agreeing = db.count(
        "SELECT count(*) AS n FROM spatial_catch.matches m JOIN tracking.tracked_trips t
         ON t.id = m.trip_id WHERE t.source_landing_id = m.landing_source_id",
    );
    assert_eq!(agreeing, 933);
    assert_eq!(
        db.count(
            "SELECT (recall * 1000)::int8 AS n FROM spatial_catch.runs ORDER BY id DESC LIMIT 1"
        ),
        970
    );
    user(&db, "analyst@x.tl", Role::Analyst, "Timor-Leste");
    user(&db, "viewer@x.tl", Role::Viewer, "Timor-Leste");
    let base = common::spawn_app(&db);
    let c = common::client();
    common::log_in_as(&c, &base, "analyst@x.tl", PW).await;

    let (status, html) = common::get(&c, &format!("{base}/tracking")).await;
    assert_eq!(status, 200);
    let cells = db
        .count("SELECT count(DISTINCT (cell_row, cell_col)) AS n FROM spatial_catch.effort_cells");
    assert!(cells > 50, "{cells} cells");
    // One shaded square per cell (the legend's four swatches are not shaded cells).
    assert_eq!(html.matches("fill-opacity=\"0.85\"").count() as i64, cells);
    assert_eq!(html.matches("<rect").count() as i64, cells + 4);
    assert!(html.contains("<svg") && html.contains("Atauro"));
    assert!(
        html.contains("recall 97.0%"),
        "the page shows the agreement"
    );
    // Filters: one gear, a range of months.
    let (status, html) = common::get(
        &c,
        &format!("{base}/tracking?gear=1&from=2019-01&to=2019-06&municipality=Atauro"),
    )
    .await;
    assert_eq!(status, 200);
    let filtered = db.count(
        "SELECT count(DISTINCT (cell_row, cell_col)) AS n FROM spatial_catch.effort_cells
         WHERE gear_code = 1 AND month BETWEEN '2019-01-01' AND '2019-06-01'
           AND municipality = 'Atauro'",
    );
    assert!(filtered > 0 && filtered < cells);
    assert_eq!(
        html.matches("fill-opacity=\"0.85\"").count() as i64,
        filtered
    );
    let (status, _) = common::get(&c, &format!("{base}/tracking?from=2019-13")).await;
    assert_eq!(status, 400);

    // The matches product: header and rows as the source names them.
    let (status, csv) = common::get(&c, &format!("{base}/tracking/matches.csv")).await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.first(), Some(&"trip_id,PDS_trip"));
    assert_eq!(lines.len() as i64, matches + 1);
    let (status, grid) = common::get(&c, &format!("{base}/tracking/grid.csv?gear=1")).await;
    assert_eq!(status, 200);
    assert!(grid.starts_with("month,municipality,lat_south,lon_west,gear_code,"));
    assert!(
        grid.lines()
            .skip(1)
            .all(|l| l.split(',').nth(4) == Some("1"))
    );
    let (status, activity) = common::get(&c, &format!("{base}/tracking/activity.csv")).await;
    assert_eq!(status, 200);
    let valid_trips: i64 = activity
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(4)?.parse::<i64>().ok())
        .sum();
    assert_eq!(valid_trips, 30_193 - 42);

    // One matched trip, drawn with its ten positions and linked to its landing.
    let trip = text_of(
        &db,
        "SELECT trip_id::text AS t FROM spatial_catch.matches LIMIT 1",
    );
    let landing = text_of(
        &db,
        &format!(
            "SELECT landing_id::text AS t FROM spatial_catch.matches WHERE trip_id = '{trip}'"
        ),
    );
    let (status, page) = common::get(&c, &format!("{base}/tracking/trips/{trip}")).await;
    assert_eq!(status, 200);
    assert_eq!(page.matches("<circle").count(), 10);
    assert!(page.contains(&format!("/landings/{landing}")));
    let vessel = text_of(
        &db,
        &format!("SELECT vessel_id AS t FROM tracking.tracked_trips WHERE id = '{trip}'"),
    );
    let (status, page) = common::get(&c, &format!("{base}/tracking/vessels/{vessel}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Activity by month"));
    // The vessel's latest trips link to their pages; the landing links to its trip.
    let latest = text_of(
        &db,
        &format!(
            "SELECT id::text AS t FROM tracking.tracked_trips WHERE vessel_id = '{vessel}'
             ORDER BY trip_date DESC, source_trip_id DESC LIMIT 1"
        ),
    );
    assert!(page.contains(&format!("href=\"/tracking/trips/{latest}\"")));
    let (status, page) = common::get(&c, &format!("{base}/landings/{landing}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("href=\"/tracking/trips/{trip}\"")));

    // Exports need the analyst's permission.
    let v = common::client();
    common::log_in_as(&v, &base, "viewer@x.tl", PW).await;
    let (status, _) = common::get(&v, &format!("{base}/tracking/matches.csv")).await;
    assert_eq!(status, 403);
    let (status, _) = common::get(&v, &format!("{base}/tracking")).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn an_atauro_analyst_sees_atauro_tracks_and_nothing_else() {
    use tasi::domain::access::Role;
    let db = prepared();
    user(&db, "atauro@x.tl", Role::Analyst, "Timor-Leste/Atauro");
    let base = common::spawn_app(&db);
    let c = common::client();
    common::log_in_as(&c, &base, "atauro@x.tl", PW).await;

    let atauro_matches = db.count(
        "SELECT count(*) AS n FROM spatial_catch.matches
         WHERE site_path LIKE 'Timor-Leste/Atauro/%'",
    );
    assert!(atauro_matches > 0);
    let (status, csv) = common::get(&c, &format!("{base}/tracking/matches.csv")).await;
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count() as i64, atauro_matches + 1);
    // The published views filter the same way for the application role.
    let as_app = |sql: &str| {
        use diesel::prelude::*;
        let mut c = diesel::PgConnection::establish(
            &tasi::adapters::persistence::shared::app_url_from(&db.url),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        c.transaction::<i64, diesel::result::Error, _>(|c| {
            diesel::sql_query("SELECT set_config('tasi.scope', '[\"Timor-Leste/Atauro\"]', true)")
                .execute(c)?;
            #[derive(QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            Ok(diesel::sql_query(sql).get_result::<N>(c)?.n)
        })
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    assert_eq!(
        as_app("SELECT count(*) AS n FROM spatial_catch.v1_matches"),
        atauro_matches
    );
    assert!(as_app("SELECT count(*) AS n FROM spatial_catch.v1_effort_grid") > 0);
    assert_eq!(
        as_app(
            "SELECT count(*) AS n FROM spatial_catch.v1_effort_grid
             WHERE municipality IS DISTINCT FROM 'Atauro'"
        ),
        0
    );
    assert_eq!(
        as_app(
            "SELECT count(*) AS n FROM tracking.v1_vessel_activity
             WHERE site_path NOT LIKE 'Timor-Leste/Atauro/%'"
        ),
        0
    );
    let (_, grid) = common::get(&c, &format!("{base}/tracking/grid.csv")).await;
    assert!(grid.lines().count() > 1);
    assert!(
        grid.lines()
            .skip(1)
            .all(|l| l.split(',').nth(1) == Some("Atauro"))
    );
    let (_, grid) = common::get(&c, &format!("{base}/tracking/grid.csv?municipality=Baucau")).await;
    assert_eq!(grid.lines().count(), 1, "Baucau's cells by query parameter");
    let (_, activity) = common::get(&c, &format!("{base}/tracking/activity.csv")).await;
    assert!(activity.lines().skip(1).all(|l| {
        l.split(',')
            .nth(2)
            .is_some_and(|s| s.starts_with("Timor-Leste/Atauro/"))
    }));
    let (_, page) = common::get(&c, &format!("{base}/tracking")).await;
    assert!(!page.contains("Timor-Leste/Baucau"));
    // The matching figures are Atauro's, not the country's.
    let national_trips =
        db.count("SELECT trips::int8 AS n FROM spatial_catch.runs ORDER BY id DESC LIMIT 1");
    assert!(
        !page.contains("Valid tracked trips read") && !page.contains(&int(national_trips)),
        "national figures shown to an Atauro user"
    );
    let atauro_trips = db.count(
        "SELECT coalesce(sum(trips), 0)::int8 AS n FROM spatial_catch.match_rates
         WHERE jurisdiction_path LIKE 'Timor-Leste/Atauro%'",
    );
    assert!(page.contains(&format!(
        "Tracked trips, in your jurisdictions</th><td>{}</td>",
        int(atauro_trips)
    )));

    // An Atauro trip imputed from a donor outside Atauro names no donor.
    let imputed_from_elsewhere = db.count(
        "SELECT count(*) AS n FROM spatial_catch.imputations i
         JOIN tracking.tracked_trips d ON d.id = i.donor_trip_id
         WHERE i.site_path LIKE 'Timor-Leste/Atauro/%'
           AND d.site_path NOT LIKE 'Timor-Leste/Atauro/%'",
    );
    if imputed_from_elsewhere > 0 {
        let trip = text_of(
            &db,
            "SELECT i.trip_id::text AS t FROM spatial_catch.imputations i
             JOIN tracking.tracked_trips d ON d.id = i.donor_trip_id
             WHERE i.site_path LIKE 'Timor-Leste/Atauro/%'
               AND d.site_path NOT LIKE 'Timor-Leste/Atauro/%' LIMIT 1",
        );
        let donor_landing = text_of(
            &db,
            &format!(
                "SELECT donor_landing_source_id::text AS t FROM spatial_catch.imputations
                 WHERE trip_id = '{trip}'"
            ),
        );
        let (status, page) = common::get(&c, &format!("{base}/tracking/trips/{trip}")).await;
        assert_eq!(status, 200);
        assert!(
            page.contains("a matched trip outside your jurisdictions"),
            "{page}"
        );
        assert!(!page.contains(&format!("surveyed landing {donor_landing}")));
    }

    // A Baucau trip and vessel by id: 404, and the attempt is audited.
    let baucau_trip = text_of(
        &db,
        "SELECT id::text AS t FROM tracking.tracked_trips
         WHERE site_path LIKE 'Timor-Leste/Baucau/%' LIMIT 1",
    );
    let (status, _) = common::get(&c, &format!("{base}/tracking/trips/{baucau_trip}")).await;
    assert_eq!(status, 404);
    let baucau_vessel = text_of(
        &db,
        "SELECT id AS t FROM tracking.vessels WHERE site_path LIKE 'Timor-Leste/Baucau/%' LIMIT 1",
    );
    let (status, _) = common::get(&c, &format!("{base}/tracking/vessels/{baucau_vessel}")).await;
    assert_eq!(status, 404);
    assert_eq!(
        common::settled_count(
            &db,
            "SELECT count(*) AS n FROM access.audit_log
             WHERE action = 'authorisation.denied' AND actor = 'atauro@x.tl'
               AND (details ? 'trip' OR details ? 'vessel')",
            2
        )
        .await,
        2
    );
    let atauro_trip = text_of(
        &db,
        "SELECT id::text AS t FROM tracking.tracked_trips
         WHERE site_path LIKE 'Timor-Leste/Atauro/%' LIMIT 1",
    );
    let (status, _) = common::get(&c, &format!("{base}/tracking/trips/{atauro_trip}")).await;
    assert_eq!(status, 200);

    // A review's event reaches the spatial-catch rebuild, which serves it once.
    use diesel::prelude::*;
    let runs = db.count("SELECT count(*) AS n FROM spatial_catch.runs");
    let mut owner = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(
        "INSERT INTO platform.outbox (event_id, event_type, schema_version, occurred_at,
                                      aggregate_type, aggregate_id, payload)
         VALUES (gen_random_uuid(), 'landings.LandingReviewed', 1, now(),
                 'SurveyedLanding', 'x', '{}')",
    )
    .execute(&mut owner)
    .unwrap_or_else(|e| panic!("{e}"));
    let platform = db.platform();
    let rebuilt = |platform: &tasi::startup::Platform| -> usize {
        platform
            .deliver()
            .into_iter()
            .filter(|d| d.subscriber == "spatial_catch.models")
            .map(|d| d.outcome.unwrap_or_else(|e| panic!("{e}")))
            .sum()
    };
    assert_eq!(rebuilt(&platform), 1);
    assert_eq!(rebuilt(&platform), 0);
    assert_eq!(
        db.count("SELECT count(*) AS n FROM spatial_catch.runs"),
        runs + 1
    );
}
