//! Black-box import of the real PeskAAS data set into a fresh database.

mod common;

use common::{TestDb, peskaas_dir};
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::application::shared::TableCounts;

fn counts(t: &TableCounts) -> (&str, u64, u64, u64, u64) {
    (
        t.table.as_str(),
        t.read,
        t.imported,
        t.unchanged,
        t.rejected,
    )
}

#[test]
fn importing_the_peskaas_data_reads_every_row_and_a_second_import_changes_nothing() {
    let db = TestDb::new();
    let dir = peskaas_dir();

    let first = common::import_dir(&db, &dir, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<_> = first.tables.iter().map(counts).collect();
    assert_eq!(
        got,
        vec![
            ("municipalities.geojson", 14, 14, 0, 0),
            ("stations.csv", 24, 24, 0, 0),
            ("species.csv", 169, 169, 0, 0),
            ("trips.csv", 27_681, 27_681, 0, 0),
            ("catches.csv", 42_369, 42_369, 0, 0),
        ]
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.surveyed_landings"),
        27_681
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.catch_lines"),
        42_369
    );
    // Country, 14 municipalities, 24 landing sites.
    assert_eq!(
        db.count("SELECT count(*) AS n FROM geography.jurisdictions"),
        39
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM geography.jurisdictions WHERE path = 'Timor-Leste/Atauro/Station 6'"),
        1
    );
    // Stations 3, 8, 9 and 18 have no municipality: they sit under the country.
    assert_eq!(
        db.count("SELECT count(*) AS n FROM geography.jurisdictions WHERE kind = 'landing_site' AND parent_id = (SELECT id FROM geography.jurisdictions WHERE path = 'Timor-Leste')"),
        4
    );

    let summary = |db: &TestDb| {
        db.count(
            "SELECT (sum(landings) * 1000000 + round(sum(catch_kg)))::int8 AS n
             FROM landings.monthly_summaries WHERE scope = 'national'",
        )
    };
    let before = summary(&db);
    let rows_before = db.count("SELECT count(*) AS n FROM landings.monthly_summaries");

    let second = common::import_dir(&db, &dir, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let got: Vec<_> = second.tables.iter().map(counts).collect();
    assert_eq!(
        got,
        vec![
            ("municipalities.geojson", 14, 0, 14, 0),
            ("stations.csv", 24, 0, 24, 0),
            ("species.csv", 169, 0, 169, 0),
            ("trips.csv", 27_681, 0, 27_681, 0),
            ("catches.csv", 42_369, 0, 42_369, 0),
        ]
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.surveyed_landings"),
        27_681
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.catch_lines"),
        42_369
    );
    assert_eq!(db.count("SELECT count(*) AS n FROM landings.imports"), 2);
    assert_eq!(summary(&db), before);
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.monthly_summaries"),
        rows_before
    );
}

#[test]
fn the_rule_set_keeps_21249_landings_and_flags_the_known_oddities() {
    let db = TestDb::new();
    common::import_dir(&db, &peskaas_dir(), SOURCE).unwrap_or_else(|e| panic!("{e}"));

    // 27,681 landings, less 6,183 with an error flag, less 249 shore landings: 21,249
    // (the same count as an independent re-implementation of the PeskAAS app's filters).
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.surveyed_landings WHERE counts_in_summaries"),
        21_249
    );
    assert_eq!(db.count("SELECT sum(landings)::int8 AS n FROM landings.monthly_summaries WHERE scope = 'national'"), 21_249);
    assert_eq!(db.count("SELECT round(sum(catch_kg) * 1000)::int8 AS n FROM landings.monthly_summaries WHERE scope = 'national'"), 292_809_060);
    // The three scopes add up to the same landings.
    assert_eq!(db.count("SELECT sum(landings)::int8 AS n FROM landings.monthly_summaries WHERE scope = 'municipality'"), 21_249);
    assert_eq!(db.count("SELECT sum(landings)::int8 AS n FROM landings.monthly_summaries WHERE scope = 'boat_type'"), 21_249);

    let flagged = |trip: i64, code: &str| {
        db.count(&format!(
            "SELECT count(*) AS n FROM landings.quality_flags f JOIN landings.surveyed_landings s ON s.id = f.landing_id
             WHERE s.source_id = {trip} AND f.code = '{code}'"
        ))
    };
    // The 1922 landing, the trip with negative hours, the 9,423,462-hour trip.
    assert_eq!(flagged(42_920_284, "date.before_survey_start"), 1);
    assert_eq!(flagged(77_212_625, "fisher_hours.negative"), 1);
    assert_eq!(db.count("SELECT count(*) AS n FROM landings.surveyed_landings WHERE hours_at_sea = 9423462 AND repaired_hours_at_sea = 72"), 1);
    // Stations of unknown municipality: 1,568 landings flagged, none summarised.
    assert_eq!(
        db.count("SELECT count(DISTINCT landing_id) AS n FROM landings.quality_flags WHERE code = 'municipality.unknown'"),
        1_568
    );
    // Implausible values stay as reported but out of value totals (tasi's rule, not PeskAAS').
    let value_flags = |code: &str| {
        db.count(&format!(
            "SELECT count(*) AS n FROM landings.quality_flags f JOIN landings.surveyed_landings s ON s.id = f.landing_id
             WHERE f.code = '{code}' AND s.counts_in_summaries"
        ))
    };
    assert_eq!(value_flags("catch_value.implausible"), 42);
    assert_eq!(value_flags("catch_value.without_catch"), 15);
    assert_eq!(db.count("SELECT count(*) AS n FROM landings.surveyed_landings WHERE catch_value_usd = 9401328 AND summary_value_usd IS NULL"), 1);
    assert_eq!(db.count("SELECT round(sum(value_usd))::int8 AS n FROM landings.monthly_summaries WHERE scope = 'national'"), 411_166);
    // The values are kept as reported.
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.surveyed_landings WHERE fisher_hours < 0"),
        1
    );
}
