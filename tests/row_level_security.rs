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

    // No direct write on a landing, its flags or its reviews, in scope or not (issue 9,
    // item 8): a landing changes only through a review.
    let landing_in = |owner: &mut PgConnection, like: &str| -> String {
        #[derive(QueryableByName)]
        struct I {
            #[diesel(sql_type = diesel::sql_types::Text)]
            id: String,
        }
        diesel::sql_query(format!(
            "SELECT id::text AS id FROM landings.surveyed_landings
             WHERE site_path LIKE '{like}' ORDER BY source_id LIMIT 1"
        ))
        .get_result::<I>(owner)
        .unwrap_or_else(|e| panic!("{e}"))
        .id
    };
    let baucau_landing = landing_in(&mut owner, "Timor-Leste/Baucau/%");
    let atauro_landing = landing_in(&mut owner, "Timor-Leste/Atauro/%");
    for sql in [
        "UPDATE landings.surveyed_landings SET catch_kg = catch_kg * 10
         WHERE site_path LIKE 'Timor-Leste/Atauro/%'"
            .to_string(),
        "UPDATE landings.surveyed_landings SET note = 'changed by Atauro'
         WHERE site_path LIKE 'Timor-Leste/Baucau/%'"
            .to_string(),
        "UPDATE landings.surveyed_landings SET site_path = 'Timor-Leste/Baucau/Station 4'
         WHERE site_path LIKE 'Timor-Leste/Atauro/%'"
            .to_string(),
        format!(
            "INSERT INTO landings.quality_flags (landing_id, seq, rule_set, code, severity, reason, \"values\")
             VALUES ('{atauro_landing}', 99, 'x', 'x', 'warning', 'x', '{{}}')"
        ),
        format!("DELETE FROM landings.quality_flags WHERE landing_id = '{atauro_landing}'"),
        format!(
            "INSERT INTO landings.reviews (landing_id, source, source_id, decided_at, reviewer,
                                           decision, reason, rule_set)
             VALUES ('{atauro_landing}', 'x', 1, now(), 'x', 'accept', 'x', 'x')"
        ),
        format!(
            "SELECT id FROM landings.surveyed_landings WHERE id = '{atauro_landing}' FOR UPDATE"
        ),
    ] {
        let e = refused(&mut c, &sql);
        assert!(e.contains("permission denied"), "{sql}: {e}");
    }
    // A review goes through `landings.record_review`, which writes the review beside its
    // effect, and only on a landing inside the transaction's scope.
    let review = |landing: &str| {
        format!(
            "SELECT landings.record_review('{landing}', now(), 'atauro@example.org', 'reject',
                 'test', '{{}}', '[]', 'peskaas-2020', false, false, NULL, NULL, NULL, 0, NULL,
                 0, 0, '[]')"
        )
    };
    let e = refused(&mut c, &review(&baucau_landing));
    assert!(e.contains("not in the transaction's scope"), "{e}");
    diesel::sql_query(review(&atauro_landing))
        .execute(&mut c)
        .unwrap_or_else(|e| panic!("a review in scope: {e}"));
    assert_eq!(
        count(
            &mut c,
            &format!(
                "SELECT count(*) AS n FROM landings.reviews r
                 JOIN landings.surveyed_landings s ON s.id = r.landing_id
                 WHERE r.landing_id = '{atauro_landing}' AND s.review_status = 'reject'
                   AND NOT s.counts_in_summaries"
            )
        ),
        1,
        "the review and its effect, together"
    );
    diesel::sql_query("ROLLBACK")
        .execute(&mut c)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut c = app_conn(&db, Some(ATAURO));
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

/// A connection as `tasi_app` in a transaction whose acting user is `actor` (as the unit of
/// work sets it) with no row-level-security scope.
fn acting_as(db: &TestDb, actor: Option<&str>) -> PgConnection {
    let mut c = app_conn(db, None);
    if let Some(actor) = actor {
        diesel::sql_query("SELECT set_config('tasi.actor', $1, true)")
            .bind::<diesel::sql_types::Text, _>(actor)
            .execute(&mut c)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    c
}

fn allowed(c: &mut PgConnection, sql: &str) {
    diesel::sql_query(sql)
        .execute(c)
        .unwrap_or_else(|e| panic!("`{sql}` was refused: {e}"));
}

#[test]
fn the_application_role_changes_access_only_through_checked_functions() {
    let db = TestDb::new();
    let mut owner = PgConnection::establish(&db.url).unwrap_or_else(|e| panic!("{e}"));
    const NATIONAL: &str = "00000000-0000-7000-8000-000000000001";
    const ATAURO_ADMIN: &str = "00000000-0000-7000-8000-000000000002";
    const ATAURO_OFFICER: &str = "00000000-0000-7000-8000-000000000003";
    const BAUCAU_OFFICER: &str = "00000000-0000-7000-8000-000000000004";
    for (id, email, role, path) in [
        (NATIONAL, "national@example.org", "admin", "Timor-Leste"),
        (
            ATAURO_ADMIN,
            "atauro@example.org",
            "admin",
            "Timor-Leste/Atauro",
        ),
        (
            ATAURO_OFFICER,
            "officer@example.org",
            "officer",
            "Timor-Leste/Atauro",
        ),
        (
            BAUCAU_OFFICER,
            "baucau@example.org",
            "officer",
            "Timor-Leste/Baucau",
        ),
    ] {
        allowed(
            &mut owner,
            &format!(
                "INSERT INTO access.users (id, email, password_hash) VALUES ('{id}', '{email}', 'h-{email}')"
            ),
        );
        allowed(
            &mut owner,
            &format!(
                "INSERT INTO access.grants (user_id, role, jurisdiction_path, granted_by)
                 VALUES ('{id}', '{role}', '{path}', 'test')"
            ),
        );
    }
    allowed(
        &mut owner,
        &format!(
            "INSERT INTO access.password_tokens (lookup, user_id, secret_hash, created_at, expires_at, created_by)
             VALUES ('0123456789abcdef', '{BAUCAU_OFFICER}', 'x', now(), now() + interval '1 day', 'test')"
        ),
    );
    let hash_of = |owner: &mut PgConnection, id: &str| -> String {
        #[derive(QueryableByName)]
        struct H {
            #[diesel(sql_type = diesel::sql_types::Text)]
            h: String,
        }
        diesel::sql_query(format!(
            "SELECT password_hash AS h FROM access.users WHERE id = '{id}'"
        ))
        .get_result::<H>(owner)
        .unwrap_or_else(|e| panic!("{e}"))
        .h
    };

    // No direct write on users, grants or links, whoever the transaction names; links
    // cannot even be listed.
    let mut c = acting_as(&db, Some(NATIONAL));
    for sql in [
        format!("UPDATE access.users SET password_hash = 'mine' WHERE id = '{NATIONAL}'"),
        "UPDATE access.users SET disabled = true".to_string(),
        "INSERT INTO access.users (id, email, password_hash) VALUES (gen_random_uuid(), 'x@example.org', 'x')".to_string(),
        format!(
            "INSERT INTO access.grants (user_id, role, jurisdiction_path, granted_by)
             VALUES ('{BAUCAU_OFFICER}', 'admin', 'Timor-Leste', 'me')"
        ),
        "DELETE FROM access.grants".to_string(),
        "SELECT lookup FROM access.password_tokens".to_string(),
        format!("UPDATE access.password_tokens SET used_at = now() WHERE user_id = '{BAUCAU_OFFICER}'"),
    ] {
        let e = refused(&mut c, &sql);
        assert!(e.contains("permission denied"), "{sql}: {e}");
    }
    drop(c);

    // The Atauro admin, through the functions: nothing outside Atauro.
    let mut c = acting_as(&db, Some(ATAURO_ADMIN));
    for sql in [
        format!("SELECT access.add_grant('{ATAURO_OFFICER}', 'admin', 'Timor-Leste', 'atauro')"),
        format!(
            "SELECT access.add_grant('{ATAURO_ADMIN}', 'admin', 'Timor-Leste/Baucau', 'atauro')"
        ),
        format!(
            "SELECT access.add_grant('{BAUCAU_OFFICER}', 'viewer', 'Timor-Leste/Atauro', 'atauro')"
        ),
        format!("SELECT access.remove_grant('{BAUCAU_OFFICER}', 'officer', 'Timor-Leste/Baucau')"),
        format!("SELECT access.set_disabled('{BAUCAU_OFFICER}', true)"),
        format!("SELECT access.set_disabled('{NATIONAL}', true)"),
        format!("SELECT access.set_password_hash('{NATIONAL}', 'known')"),
        format!("SELECT access.set_password_hash('{ATAURO_OFFICER}', 'known')"),
        format!("SELECT access.end_sessions('{BAUCAU_OFFICER}', now())"),
        format!(
            "SELECT access.store_link('fedcba9876543210', '{BAUCAU_OFFICER}', 'x', now(), now() + interval '1 day', 'atauro')"
        ),
    ] {
        let e = refused(&mut c, &sql);
        assert!(e.contains("access change refused"), "{sql}: {e}");
    }
    // … and what an Atauro admin may do.
    allowed(
        &mut c,
        &format!(
            "SELECT access.add_grant('{ATAURO_OFFICER}', 'analyst', 'Timor-Leste/Atauro', 'atauro')"
        ),
    );
    allowed(
        &mut c,
        &format!("SELECT access.set_disabled('{ATAURO_OFFICER}', true)"),
    );
    allowed(
        &mut c,
        &format!("SELECT access.set_password_hash('{ATAURO_OFFICER}', '!reset by an admin')"),
    );
    allowed(
        &mut c,
        &format!("SELECT access.set_password_hash('{ATAURO_ADMIN}', 'my own')"),
    );
    diesel::sql_query("COMMIT")
        .execute(&mut c)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(hash_of(&mut owner, ATAURO_OFFICER), "!reset by an admin");
    assert_eq!(hash_of(&mut owner, ATAURO_ADMIN), "my own");

    // Nobody named (a request before login): no change at all, but a link's redemption.
    let mut c = acting_as(&db, None);
    for sql in [
        format!("SELECT access.add_grant('{BAUCAU_OFFICER}', 'admin', 'Timor-Leste', 'x')"),
        format!("SELECT access.set_password_hash('{BAUCAU_OFFICER}', 'known')"),
        "SELECT access.insert_user(gen_random_uuid(), 'new@example.org', '!none', false)"
            .to_string(),
    ] {
        let e = refused(&mut c, &sql);
        assert!(e.contains("access change refused"), "{sql}: {e}");
    }
    // A link is read by its lookup only; redeeming it sets its user's password, and no
    // one else's.
    assert_eq!(
        count(
            &mut c,
            "SELECT count(*) AS n FROM access.link('0123456789abcdef')"
        ),
        1
    );
    allowed(
        &mut c,
        "SELECT * FROM access.redeem_link('0123456789abcdef', now(), 'chosen')",
    );
    assert_eq!(
        count(
            &mut c,
            "SELECT count(*) AS n FROM access.redeem_link('0123456789abcdef', now(), 'again')"
        ),
        0,
        "a link is redeemed once"
    );
    let e = refused(
        &mut c,
        &format!("SELECT access.set_password_hash('{ATAURO_OFFICER}', 'known')"),
    );
    assert!(e.contains("access change refused"), "{e}");
    diesel::sql_query("COMMIT")
        .execute(&mut c)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(hash_of(&mut owner, BAUCAU_OFFICER), "chosen");
    assert_eq!(hash_of(&mut owner, NATIONAL), "h-national@example.org");
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
