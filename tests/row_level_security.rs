//! The second wall: PostgreSQL row-level security, tried with raw SQL as the application
//! role `tasi_app` on the real PeskAAS data, with no help from the application's own
//! filters.

mod common;

use common::{TestDb, peskaas_dir};
use diesel::prelude::*;
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::adapters::persistence::shared::app_url_from;

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(c: &mut PgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<N>(c)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

/// A connection as `tasi_app` inside a transaction with `scope` (a JSON array of paths)
/// set as the application sets it; `None` sets no scope at all.
fn app_conn(db: &TestDb, scope: Option<&str>) -> PgConnection {
    let mut c = PgConnection::establish(&app_url_from(&db.url))
        .unwrap_or_else(|e| panic!("connecting as tasi_app: {e}"));
    diesel::sql_query("BEGIN")
        .execute(&mut c)
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(scope) = scope {
        diesel::sql_query("SELECT set_config('tasi.scope', $1, true)")
            .bind::<diesel::sql_types::Text, _>(scope)
            .execute(&mut c)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    c
}

/// The error of a statement that must fail (the transaction is rolled back after it).
fn refused(c: &mut PgConnection, sql: &str) -> String {
    diesel::sql_query("SAVEPOINT attempt")
        .execute(c)
        .unwrap_or_else(|e| panic!("{e}"));
    let r = diesel::sql_query(sql).execute(c);
    diesel::sql_query("ROLLBACK TO SAVEPOINT attempt")
        .execute(c)
        .unwrap_or_else(|e| panic!("{e}"));
    match r {
        Ok(n) => panic!("`{sql}` was allowed ({n} rows)"),
        Err(e) => e.to_string(),
    }
}

const ATAURO: &str = r#"["Timor-Leste/Atauro"]"#;

#[test]
fn the_application_role_sees_and_changes_only_its_scope() {
    let db = TestDb::new();
    common::import_dir(&db, &peskaas_dir(), SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let mut owner = PgConnection::establish(&db.url).unwrap_or_else(|e| panic!("{e}"));
    let all = count(
        &mut owner,
        "SELECT count(*) AS n FROM landings.surveyed_landings",
    );
    let atauro = count(
        &mut owner,
        "SELECT count(*) AS n FROM landings.surveyed_landings
         WHERE site_path LIKE 'Timor-Leste/Atauro/%'",
    );
    assert_eq!(all, 27_681);
    assert!(atauro > 0 && atauro < all, "Atauro has {atauro} of {all}");

    // No scope set: nothing at all (fail closed).
    let mut c = app_conn(&db, None);
    for table in [
        "landings.surveyed_landings",
        "landings.catch_lines",
        "landings.quality_flags",
        "landings.imports",
        "landings.rejected_rows",
        "landings.monthly_summaries",
        "landings.monthly_species_catch",
        "landings.v1_validated_landings",
        "landings.v1_monthly_summaries",
    ] {
        assert_eq!(
            count(&mut c, &format!("SELECT count(*) AS n FROM {table}")),
            0,
            "{table} without a scope"
        );
    }
    drop(c);

    // Atauro's scope: Atauro's rows, exactly.
    let mut c = app_conn(&db, Some(ATAURO));
    assert_eq!(
        count(
            &mut c,
            "SELECT count(*) AS n FROM landings.surveyed_landings"
        ),
        atauro
    );
    assert_eq!(
        count(
            &mut c,
            "SELECT count(*) AS n FROM landings.surveyed_landings
             WHERE site_path NOT LIKE 'Timor-Leste/Atauro/%'"
        ),
        0
    );
    let owner_lines = count(
        &mut owner,
        "SELECT count(*) AS n FROM landings.catch_lines c JOIN landings.surveyed_landings s
         ON s.id = c.landing_id WHERE s.site_path LIKE 'Timor-Leste/Atauro/%'",
    );
    assert!(owner_lines > 0);
    assert_eq!(
        count(&mut c, "SELECT count(*) AS n FROM landings.catch_lines"),
        owner_lines
    );
    let owner_flags = count(
        &mut owner,
        "SELECT count(*) AS n FROM landings.quality_flags f JOIN landings.surveyed_landings s
         ON s.id = f.landing_id WHERE s.site_path LIKE 'Timor-Leste/Atauro/%'",
    );
    assert_eq!(
        count(&mut c, "SELECT count(*) AS n FROM landings.quality_flags"),
        owner_flags
    );
    // The validated-landings product runs with the reader's rights.
    assert_eq!(
        count(
            &mut c,
            "SELECT count(*) AS n FROM landings.v1_validated_landings
             WHERE site_path NOT LIKE 'Timor-Leste/Atauro/%'"
        ),
        0
    );
    // Read models: Atauro's municipality rows only; no national or other municipality.
    assert!(
        count(
            &mut c,
            "SELECT count(*) AS n FROM landings.monthly_summaries WHERE municipality = 'Atauro'"
        ) > 0
    );
    assert_eq!(
        count(
            &mut c,
            "SELECT count(*) AS n FROM landings.monthly_summaries
             WHERE scope <> 'municipality' OR municipality <> 'Atauro'"
        ),
        0
    );
    assert!(
        count(
            &mut c,
            "SELECT count(*) AS n FROM landings.monthly_species_catch"
        ) > 0
    );
    assert_eq!(
        count(
            &mut c,
            "SELECT count(*) AS n FROM landings.monthly_species_catch
             WHERE municipality <> 'Atauro'"
        ),
        0
    );
    // The PeskAAS import covers the whole country: not Atauro's to see.
    assert_eq!(
        count(&mut c, "SELECT count(*) AS n FROM landings.imports"),
        0
    );

    // Writes outside the scope touch nothing; moving a landing out of it is refused.
    let changed = diesel::sql_query(
        "UPDATE landings.surveyed_landings SET note = 'changed by Atauro'
         WHERE site_path LIKE 'Timor-Leste/Baucau/%'",
    )
    .execute(&mut c)
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed, 0);
    let e = refused(
        &mut c,
        "UPDATE landings.surveyed_landings SET site_path = 'Timor-Leste/Baucau/Station 4'
         WHERE site_path LIKE 'Timor-Leste/Atauro/%'",
    );
    assert!(e.contains("row-level security"), "{e}");
    let baucau_landing: String = {
        #[derive(QueryableByName)]
        struct I {
            #[diesel(sql_type = diesel::sql_types::Text)]
            id: String,
        }
        diesel::sql_query(
            "SELECT id::text AS id FROM landings.surveyed_landings
             WHERE site_path LIKE 'Timor-Leste/Baucau/%' LIMIT 1",
        )
        .get_result::<I>(&mut owner)
        .unwrap_or_else(|e| panic!("{e}"))
        .id
    };
    let e = refused(
        &mut c,
        &format!(
            "INSERT INTO landings.quality_flags (landing_id, seq, rule_set, code, severity, reason, \"values\")
             VALUES ('{baucau_landing}', 99, 'x', 'x', 'warning', 'x', '{{}}')"
        ),
    );
    assert!(e.contains("row-level security"), "{e}");
    // Whether a record exists at all is one bit, for the audit of refused requests.
    assert_eq!(
        count(
            &mut c,
            &format!(
                "SELECT landings.record_exists('landing', '{baucau_landing}')::int::int8 AS n"
            )
        ),
        1
    );

    // The audit log and reviews are append-only for the role; no DDL, no other role.
    for sql in [
        "UPDATE access.audit_log SET actor = 'nobody'",
        "DELETE FROM access.audit_log",
        "TRUNCATE access.audit_log",
        "UPDATE landings.reviews SET reason = 'x'",
        "DELETE FROM landings.reviews",
        "DELETE FROM landings.surveyed_landings",
        "DROP TABLE landings.catch_lines",
        "ALTER TABLE landings.surveyed_landings DISABLE ROW LEVEL SECURITY",
        "SET ROLE postgres",
    ] {
        let e = refused(&mut c, sql);
        assert!(
            e.contains("permission denied") || e.contains("must be owner"),
            "{sql}: {e}"
        );
    }
    drop(c);
    assert_eq!(
        count(
            &mut owner,
            "SELECT count(*) AS n FROM landings.surveyed_landings WHERE note = 'changed by Atauro'"
        ),
        0
    );
}

#[test]
fn the_server_refuses_a_role_that_bypasses_row_level_security() {
    let db = TestDb::new();
    let e = tasi::adapters::persistence::shared::check_app_role(&db.pool)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("bypasses row-level security"), "{e}");
    assert!(tasi::adapters::persistence::shared::check_app_role(&db.app_pool).is_ok());
}

#[test]
fn the_projector_serves_a_pending_event_once() {
    let db = TestDb::new();
    common::import_dir(&db, &peskaas_dir(), SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let platform = db.platform();
    let served = |platform: &tasi::startup::Platform| -> usize {
        platform
            .deliver()
            .into_iter()
            .filter(|d| d.subscriber == "landings.summaries")
            .map(|d| d.outcome.unwrap_or_else(|e| panic!("{e}")))
            .sum()
    };
    assert_eq!(
        served(&platform),
        0,
        "the import's event was delivered already"
    );
    let national = "SELECT sum(landings)::int8 AS n FROM landings.monthly_summaries
                    WHERE scope = 'national'";
    let before = db.count(national);
    assert_eq!(before, 21_249);
    // A landing leaves the summaries (as a rejection would).
    let mut owner = PgConnection::establish(&db.url).unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(
        "UPDATE landings.surveyed_landings SET counts_in_summaries = false
         WHERE id = (SELECT id FROM landings.surveyed_landings
                     WHERE counts_in_summaries ORDER BY source_id LIMIT 1)",
    )
    .execute(&mut owner)
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        db.count(national),
        before,
        "read models change only by the projector"
    );
    // The application role may publish (INSERT) but not read the outbox.
    let mut app = app_conn(&db, Some(ATAURO));
    diesel::sql_query(
        "INSERT INTO platform.outbox (event_id, event_type, schema_version, occurred_at,
                                      aggregate_type, aggregate_id, payload)
         VALUES (gen_random_uuid(), 'landings.LandingReviewed', 1, now(),
                 'SurveyedLanding', 'x', '{}')",
    )
    .execute(&mut app)
    .unwrap_or_else(|e| panic!("{e}"));
    let e = refused(&mut app, "SELECT * FROM platform.outbox");
    assert!(e.contains("permission denied"), "{e}");
    diesel::sql_query("COMMIT")
        .execute(&mut app)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(served(&platform), 1);
    assert_eq!(db.count(national), before - 1);
    assert_eq!(served(&platform), 0);
}
