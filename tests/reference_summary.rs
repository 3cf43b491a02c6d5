//! The summary CSV that tasi serves equals, row for row, the one computed by an independent
//! re-implementation of the PeskAAS application's filters (tests/reference/, Python).

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::{TestDb, client, get, log_in_as, peskaas_dir, spawn_app};
use reqwest::StatusCode;
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::application::access::NewGrants;
use tasi::domain::access::Role;
use tasi::domain::shared::JurisdictionPath;

type Rows = BTreeMap<(String, String, String, String), Vec<f64>>;

/// Rows keyed by scope, municipality, boat type, month; the five figures as numbers.
fn parse(csv_text: &str) -> Rows {
    let mut rows = BTreeMap::new();
    for line in csv_text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 9, "{line}");
        let key = (f[0].into(), f[1].into(), f[2].into(), f[3].into());
        let figures = f[4..]
            .iter()
            .map(|v| v.parse::<f64>().unwrap_or(f64::NAN))
            .collect();
        rows.insert(key, figures);
    }
    rows
}

#[actix_web::test]
async fn the_summary_csv_matches_an_independent_reimplementation_of_peskaas_row_for_row() {
    let today = chrono::Utc::now().date_naive().to_string();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/peskaas_2020_summary.py"
    );
    let out = Command::new("python3")
        .arg(script)
        .arg(peskaas_dir())
        .args(["--today", &today])
        .output()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = parse(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(expected.len(), 424);

    let db = TestDb::new();
    common::import_dir(&db, &peskaas_dir(), SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let country = JurisdictionPath::root("Timor-Leste").unwrap_or_else(|e| panic!("{e}"));
    common::add_user_as(
        &db,
        "analyst@fisheries.tl",
        "a long passphrase here",
        &NewGrants::On(Role::Analyst, country),
    );
    let base = spawn_app(&db);
    let c = client();
    let r = log_in_as(&c, &base, "analyst@fisheries.tl", "a long passphrase here").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, served) = get(&c, &format!("{base}/landings/summary.csv")).await;
    assert_eq!(status, StatusCode::OK);
    let got = parse(&served);

    let keys = |r: &Rows| r.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&got), keys(&expected), "the same scopes and months");
    for (key, want) in &expected {
        let have = &got[key];
        for (i, (h, w)) in have.iter().zip(want).enumerate() {
            // Counts exactly; effort, catch and CPUE to their printed precision.
            let tolerance = [0.0, 0.0, 0.0051, 0.00011, 0.0000011][i];
            assert!(
                (h - w).abs() <= tolerance,
                "{key:?} field {i}: tasi {h}, reference {w}"
            );
        }
    }
}
