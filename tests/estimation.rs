//! The estimation context end to end: `tasi import peskaas DIR` loads the fleet census
//! beside the landings, and `/estimates/peskaas.csv` raises each month's CPUE by boat type
//! to the census's fleet, checked against a computation of its own from the files and the
//! monthly summary.

mod common;

use std::collections::BTreeMap;

use common::{TestDb, client, get, log_in_as, peskaas_dir, run_cli, spawn_app};
use reqwest::StatusCode;
use tasi::application::access::NewGrants;
use tasi::domain::access::Role;
use tasi::domain::shared::JurisdictionPath;

const PASSPHRASE: &str = "a long passphrase here";

/// Adds an analyst of `email` granted at `path`.
fn add_analyst(db: &TestDb, email: &str, path: &str) {
    let at = JurisdictionPath::parse(path).unwrap_or_else(|e| panic!("{e}"));
    common::add_user_as(db, email, PASSPHRASE, &NewGrants::On(Role::Analyst, at));
}

/// A client logged in as `email`.
async fn analyst(base: &str, email: &str) -> reqwest::Client {
    let c = client();
    let r = log_in_as(&c, base, email, PASSPHRASE).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{email} logs in");
    c
}

/// Canoes and motor boats of the census file, summed over its areas.
fn census_fleet(path: &std::path::Path) -> (f64, f64) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{e}"));
    let h = r.headers().unwrap_or_else(|e| panic!("{e}")).clone();
    let col = |name: &str| {
        h.iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (canoe, j, k, y) = (
        col("canoes_beiro"),
        col("motor_boats_johnson"),
        col("motor_boats_ketinting"),
        col("motor_boats_yamaha"),
    );
    let mut fleet = (0.0, 0.0);
    for rec in r.records() {
        let rec = rec.unwrap_or_else(|e| panic!("{e}"));
        let n = |i: usize| rec.get(i).unwrap_or("0").parse::<f64>().unwrap_or(0.0);
        fleet.0 += n(canoe);
        fleet.1 += n(j) + n(k) + n(y);
    }
    fleet
}

/// (month, column) → value of a CSV whose first columns are month and a kind.
fn table(
    text: &str,
    month_col: &str,
    kind_col: &str,
) -> BTreeMap<(String, String), BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap_or_else(|e| panic!("{e}")).clone();
    let mut out = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap_or_else(|e| panic!("{e}"));
        let row: BTreeMap<String, String> = h
            .iter()
            .zip(rec.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let key = (row[month_col].clone(), row[kind_col].clone());
        out.insert(key, row);
    }
    out
}

#[actix_web::test]
async fn the_census_is_imported_with_the_landings_and_raises_each_months_cpue() {
    let db = TestDb::new();
    let sample = common::peskaas_sample(8);
    let census = peskaas_dir().join("fleet_census.csv");
    std::fs::copy(&census, sample.0.join("fleet_census.csv")).unwrap_or_else(|e| panic!("{e}"));
    let dir = sample.0.display().to_string();
    let (ok, out, err) = run_cli(&db, &["import", "peskaas", &dir]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("fleet_census.csv: 11 areas read, 11 written, 0 unchanged"),
        "{out}"
    );
    // "Dili (Atauro)" covers two municipalities.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM estimation.fleet_census \
             WHERE area = 'Dili (Atauro)' AND cardinality(jurisdiction_paths) = 2"
        ),
        1
    );

    // Imported again: nothing changes.
    let (ok, out, err) = run_cli(&db, &["import", "peskaas", &dir]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("11 areas read, 0 written, 11 unchanged"),
        "{out}"
    );

    // A census with a value that is not a count stops, naming line and column, and the
    // census already stored stays.
    let text = std::fs::read_to_string(&census).unwrap_or_else(|e| panic!("{e}"));
    let text = text.replacen("2,Lautem,430,74,", "2,Lautem,430,seventy,", 1);
    std::fs::write(sample.0.join("fleet_census.csv"), text).unwrap_or_else(|e| panic!("{e}"));
    let (ok, out, err) = run_cli(&db, &["import", "peskaas", &dir]);
    assert!(!ok, "{out}");
    assert!(
        err.contains("fleet_census.csv:3: canoes_beiro: `seventy` is not a count"),
        "{err}"
    );
    assert_eq!(
        db.count("SELECT sum(canoes)::int8 AS n FROM estimation.fleet_census"),
        census_fleet(&census).0 as i64
    );

    add_analyst(&db, "analyst@fisheries.tl", "Timor-Leste");
    add_analyst(&db, "atauro@fisheries.tl", "Timor-Leste/Atauro");
    let base = spawn_app(&db);
    let c = analyst(&base, "analyst@fisheries.tl").await;
    let (status, estimate) = get(&c, &format!("{base}/estimates/peskaas.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        estimate.starts_with("month,boat_type,cpue,boats,catch_t"),
        "{estimate}"
    );
    let (status, summary) = get(&c, &format!("{base}/landings/summary.csv?scope=boat_type")).await;
    assert_eq!(status, StatusCode::OK);

    let (canoes, motor) = census_fleet(&census);
    let got = table(&estimate, "month", "boat_type");
    let cpues = table(&summary, "month", "boat_type");
    assert!(!cpues.is_empty());
    let mut months = 0;
    for ((month, boat), row) in &cpues {
        let cpue: f64 = row["cpue"].parse().unwrap_or_else(|e| panic!("{e}"));
        let (per_trip, trips, boats) = match boat.as_str() {
            "canoe" => (4.0, 8.2, canoes),
            "motor" => (10.0, 15.3, motor),
            _ => continue,
        };
        let want = cpue * per_trip * trips * boats / 1000.0;
        let have = &got[&(month.clone(), boat.clone())];
        let catch: f64 = have["catch_t"].parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            (catch - want).abs() < 0.0015,
            "{month} {boat}: {catch} vs {want}"
        );
        assert_eq!(have["boats"], format!("{boats}"));
        months += 1;
    }
    assert!(months > 20, "{months} month-boat types");
    // Each national row is the sum of its month's boat types.
    for ((month, boat), row) in &got {
        if boat != "national" {
            continue;
        }
        let parts: f64 = got
            .iter()
            .filter(|((m, b), _)| m == month && b != "national")
            .map(|(_, r)| r["catch_t"].parse::<f64>().unwrap_or(0.0))
            .sum();
        let national: f64 = row["catch_t"].parse().unwrap_or_else(|e| panic!("{e}"));
        assert!((national - parts).abs() < 0.003, "{month}");
    }

    // A municipal scope sees no national summary: its estimate is empty, not national.
    let c = analyst(&base, "atauro@fisheries.tl").await;
    let (status, mine) = get(&c, &format!("{base}/estimates/peskaas.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine.trim(), "month,boat_type,cpue,boats,catch_t", "{mine}");
}

#[actix_web::test]
async fn the_peskas_estimate_raises_mean_catch_by_trips_per_boat_with_reproducible_limits() {
    let db = TestDb::new();
    let sample = common::peskaas_sample(3);
    for f in ["fleet_census.csv", "tracked_trips.csv"] {
        std::fs::copy(peskaas_dir().join(f), sample.0.join(f)).unwrap_or_else(|e| panic!("{e}"));
    }
    let dir = sample.0.display().to_string();
    let (ok, out, err) = run_cli(&db, &["import", "peskaas", &dir]);
    assert!(ok, "{out}\n{err}");
    add_analyst(&db, "analyst@fisheries.tl", "Timor-Leste");
    add_analyst(&db, "baucau@fisheries.tl", "Timor-Leste/Baucau");
    let base = spawn_app(&db);
    let c = analyst(&base, "analyst@fisheries.tl").await;
    let (status, csv) = get(&c, &format!("{base}/estimates/peskas.csv")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, again) = get(&c, &format!("{base}/estimates/peskas.csv")).await;
    assert_eq!(csv, again, "the same data, the same limits");
    let rows = table(&csv, "municipality", "month");
    assert!(rows.len() > 10, "{csv}");
    let num = |r: &BTreeMap<String, String>, k: &str| -> f64 {
        r[k].parse()
            .unwrap_or_else(|e| panic!("{k} `{}`: {e}", r[k]))
    };
    for ((area, month), r) in &rows {
        let (catch, low, high) = (
            num(r, "catch_kg"),
            num(r, "catch_lower"),
            num(r, "catch_upper"),
        );
        assert!(
            low <= catch + 0.1 && catch <= high + 0.1,
            "{area} {month}: {low} {catch} {high}"
        );
        let coverage = num(r, "devices") / num(r, "boats");
        assert!(
            (num(r, "coverage") - coverage).abs() < 0.0001,
            "{area} {month}"
        );
        assert_eq!(
            r["thin"] == "true",
            num(r, "landings") < 3.0,
            "{area} {month}"
        );
    }

    // One area-month computed again in SQL from the published views: mean catch of its
    // valid canoe and motor-boat landings × mean trips of its devices that month (without
    // each device's first and last months) × its canoes and motor boats.
    let ((area, month), r) = rows
        .iter()
        .max_by(|a, b| num(a.1, "landings").total_cmp(&num(b.1, "landings")))
        .unwrap_or_else(|| panic!("a row"));
    let paths = format!(
        "(SELECT unnest(jurisdiction_paths) FROM estimation.fleet_census WHERE area = '{area}')"
    );
    let in_area = |col: &str| {
        format!("split_part({col}, '/', 1) || '/' || split_part({col}, '/', 2) IN {paths}")
    };
    let expected = db.float(&format!(
        "WITH l AS (SELECT avg(catch_kg) AS mean FROM landings.v2_validated_landings
                    WHERE counts_in_summaries AND {}
                      AND to_char(landing_date, 'YYYY-MM') = '{month}'),
              t AS (SELECT imei, to_char(trip_date, 'YYYY-MM') AS m, count(DISTINCT id) AS n
                    FROM tracking.v1_tracked_trips
                    WHERE is_valid AND imei IS NOT NULL AND imei <> '' AND {}
                    GROUP BY 1, 2),
              d AS (SELECT imei, min(m) AS first, max(m) AS last FROM t GROUP BY 1),
              tpb AS (SELECT avg(n) AS mean FROM t JOIN d USING (imei)
                      WHERE m = '{month}' AND m <> first AND m <> last),
              b AS (SELECT sum(canoes + motor_johnson + motor_ketinting + motor_yamaha) AS n
                    FROM estimation.fleet_census WHERE area = '{area}')
         SELECT (l.mean * tpb.mean * b.n)::float8 AS v FROM l, tpb, b",
        in_area("site_path"),
        in_area("site_path"),
    ));
    assert!(
        (num(r, "catch_kg") - expected).abs() < 0.05 + expected * 1e-9,
        "{area} {month}: {} vs {expected}",
        r["catch_kg"]
    );

    // The page: the chosen area's months with their limits, and the national estimate.
    let (status, page) = get(&c, &format!("{base}/estimates?area=Baucau")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<option value=\"Baucau\" selected>"),
        "{page}"
    );
    assert!(page.contains("Peskas catch estimate of Baucau"));
    assert!(page.contains("95 % limits") && page.contains("PeskAAS: national catch"));
    let baucau_months = rows.keys().filter(|(a, _)| a == "Baucau").count();
    let chart = page
        .split("<svg")
        .nth(1)
        .and_then(|c| c.split("</svg>").next())
        .unwrap_or_default();
    // A bar per month, and the legend's two swatches.
    assert_eq!(
        chart.matches("<rect ").count(),
        baucau_months + 2,
        "{chart}"
    );
    assert_eq!(chart.matches("95 % limits ").count(), baucau_months);

    // A Baucau analyst gets Baucau's rows only.
    let c = analyst(&base, "baucau@fisheries.tl").await;
    let (_, page) = get(&c, &format!("{base}/estimates")).await;
    assert!(page.contains("Peskas catch estimate of Baucau"));
    assert!(page.contains("No national estimate in your scope"));
    let (_, mine) = get(&c, &format!("{base}/estimates/peskas.csv")).await;
    let mine = table(&mine, "municipality", "month");
    assert!(!mine.is_empty());
    assert!(mine.keys().all(|(area, _)| area == "Baucau"), "{mine:?}");
}
