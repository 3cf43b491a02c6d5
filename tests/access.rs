//! Access through HTTP: roles × routes, jurisdiction scoping (IDOR), throttling, sessions
//! and the audit log, on the real PeskAAS data.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::{TestClock, TestDb, add_user_as, client, csrf_of, get, spawn_state};
use reqwest::{Client, StatusCode};
use tasi::adapters::http::shared::views::int;
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::adapters::persistence::access::users::{
    DieselAccounts, DieselAdminQueries, DieselJurisdictionDirectory,
};
use tasi::adapters::security::hasher::Argon2idHasher;
use tasi::adapters::security::password_strength::ZxcvbnStrength;
use tasi::adapters::security::throttle::LoginThrottle;
use tasi::application::access::admin::{AdminPorts, Administrator, set_user_disabled};
use tasi::application::access::ports::Accounts;
use tasi::application::access::{Credentials, NewGrants};
use tasi::domain::access::{Email, Role};
use tasi::domain::shared::{AccessScope, JurisdictionPath};
use tasi::startup::web::WebApp;

const PASSWORD: &str = "a long enough passphrase";

fn path(p: &str) -> JurisdictionPath {
    JurisdictionPath::parse(p).unwrap_or_else(|e| panic!("{e}"))
}

async fn log_in(c: &Client, base: &str, email: &str, password: &str) -> reqwest::Response {
    let (_, page) = get(c, &format!("{base}/login")).await;
    c.post(format!("{base}/login"))
        .form(&[
            ("csrf_token", csrf_of(&page).as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tasi="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// A database with a sample of the real data (every 25th landing): the jurisdiction tree
/// and landings in every municipality are what these tests need, not the whole set.
fn with_data() -> TestDb {
    let db = TestDb::new();
    let sample = common::peskaas_sample(25);
    common::import_dir(&db, &sample.0, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    db
}

fn state(db: &TestDb) -> WebApp {
    db.state(false)
}

fn audit_count(db: &TestDb, action: &str) -> i64 {
    db.count(&format!(
        "SELECT count(*) AS n FROM access.audit_log WHERE action = '{action}'"
    ))
}

#[actix_web::test]
async fn each_role_reaches_its_routes_and_gets_403_elsewhere() {
    let db = with_data();
    let country = path("Timor-Leste");
    for role in Role::ALL {
        add_user_as(
            &db,
            &format!("{}@tasi.tl", role.key()),
            PASSWORD,
            &NewGrants::On(role, country.clone()),
        );
    }
    let base = spawn_state(state(&db));
    //            route                                      viewer officer analyst admin
    let matrix: [(&str, [u16; 4]); 7] = [
        ("/", [200, 200, 200, 200]),
        ("/landings", [200, 200, 200, 200]),
        ("/landings/summary", [200, 200, 200, 200]),
        ("/flags", [200, 200, 200, 200]),
        ("/landings/summary.csv", [403, 403, 200, 200]),
        ("/imports", [403, 200, 403, 200]),
        ("/healthz", [200, 200, 200, 200]),
    ];
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let c = client();
        assert_eq!(
            log_in(&c, &base, &format!("{}@tasi.tl", role.key()), PASSWORD)
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        for (route, want) in &matrix {
            let (status, _) = get(&c, &format!("{base}{route}")).await;
            assert_eq!(status.as_u16(), want[i], "{role} {route}");
        }
    }
    // Every 403 was audited: viewer 2, officer 1, analyst 1.
    assert_eq!(audit_count(&db, "authorisation.denied"), 4);
    assert_eq!(audit_count(&db, "export"), 2);
}

#[actix_web::test]
async fn an_atauro_officer_sees_atauro_alone() {
    let db = with_data();
    add_user_as(
        &db,
        "atauro@tasi.tl",
        PASSWORD,
        &NewGrants::On(Role::Officer, path("Timor-Leste/Atauro")),
    );
    add_user_as(
        &db,
        "atauro.analyst@tasi.tl",
        PASSWORD,
        &NewGrants::On(Role::Analyst, path("Timor-Leste/Atauro")),
    );
    let base = spawn_state(state(&db));
    let c = client();
    assert_eq!(
        log_in(&c, &base, "atauro@tasi.tl", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    // A Baucau landing by id: 404, not 403, not the record.
    let baucau_id = {
        #[derive(diesel::QueryableByName)]
        struct R {
            #[diesel(sql_type = diesel::sql_types::Uuid)]
            id: uuid::Uuid,
        }
        use diesel::RunQueryDsl;
        let mut conn = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
        diesel::sql_query(
            "SELECT id FROM landings.surveyed_landings WHERE municipality = 'Baucau' LIMIT 1",
        )
        .get_result::<R>(&mut conn)
        .unwrap_or_else(|e| panic!("{e}"))
        .id
    };
    let (status, body) = get(&c, &format!("{base}/landings/{baucau_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("Baucau"));

    // An Atauro landing names the national import it came from without a link to it.
    let (_, list) = get(&c, &format!("{base}/landings")).await;
    let own = list
        .split("href=\"/landings/")
        .filter_map(|s| s.split('"').next())
        .find(|id| uuid::Uuid::parse_str(id).is_ok())
        .unwrap_or_else(|| panic!("no Atauro landing listed"))
        .to_string();
    let (status, page) = get(&c, &format!("{base}/landings/{own}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("an import of a wider jurisdiction than yours"));
    assert!(
        !page.contains("href=\"/imports/"),
        "no link to an import it cannot open"
    );

    // By query parameter: no rows.
    let (_, list) = get(&c, &format!("{base}/landings?municipality=Baucau")).await;
    assert!(
        list.contains(">0 landings")
            || list.contains("\n0 landings")
            || list.contains(" 0 landings"),
        "no Baucau landings listed"
    );
    let (_, all) = get(&c, &format!("{base}/landings")).await;
    let atauro_total = db.count("SELECT count(*) AS n FROM landings.surveyed_landings WHERE site_path LIKE 'Timor-Leste/Atauro/%'");
    assert!(
        all.contains(&format!("{} landings", int(atauro_total))),
        "only Atauro's landings are counted"
    );
    assert!(!all.contains("Timor-Leste/Baucau/"));
    let (status, _) = get(&c, &format!("{base}/?municipality=Baucau")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, dash) = get(&c, &format!("{base}/")).await;
    assert!(
        !dash.contains("Baucau"),
        "the dashboard names no other municipality"
    );

    // Flags: Atauro's only.
    let (_, flags) = get(&c, &format!("{base}/flags")).await;
    let atauro_unknown_municipality = db.count(
        "SELECT count(*) AS n FROM landings.quality_flags f JOIN landings.surveyed_landings s ON s.id = f.landing_id
         WHERE f.code = 'municipality.unknown' AND s.site_path LIKE 'Timor-Leste/Atauro/%'",
    );
    assert_eq!(atauro_unknown_municipality, 0);
    assert!(
        !flags.contains("municipality.unknown"),
        "flags of sites outside Atauro are not counted"
    );
    // The counts (from the flag-count read model) are those of the flags themselves.
    #[derive(diesel::QueryableByName)]
    struct Rule {
        #[diesel(sql_type = diesel::sql_types::Text)]
        code: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        severity: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let rules: Vec<Rule> = {
        use diesel::RunQueryDsl;
        let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
        diesel::sql_query(
            "SELECT f.code, f.severity, count(DISTINCT f.landing_id) AS n
             FROM landings.quality_flags f JOIN landings.surveyed_landings s ON s.id = f.landing_id
             WHERE s.site_path LIKE 'Timor-Leste/Atauro/%' GROUP BY 1, 2",
        )
        .load(&mut c)
        .unwrap_or_else(|e| panic!("{e}"))
    };
    assert!(!rules.is_empty());
    for r in &rules {
        let shown = flags
            .split(&format!(
                "<tr class=\"{}\"><td><a href=\"/landings?flag={}\">",
                r.severity, r.code
            ))
            .nth(1)
            .and_then(|rest| rest.split("<td class=\"n\">").nth(1))
            .and_then(|v| v.split('<').next())
            .unwrap_or_else(|| panic!("{} ({}) is not listed", r.code, r.severity));
        assert_eq!(shown, int(r.n), "{} ({})", r.code, r.severity);
    }

    // The national import covers Timor-Leste: neither listed nor reachable by id.
    let import_id = {
        #[derive(diesel::QueryableByName)]
        struct R {
            #[diesel(sql_type = diesel::sql_types::Uuid)]
            id: uuid::Uuid,
        }
        use diesel::RunQueryDsl;
        let mut conn = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
        diesel::sql_query("SELECT id FROM landings.imports LIMIT 1")
            .get_result::<R>(&mut conn)
            .unwrap_or_else(|e| panic!("{e}"))
            .id
    };
    let (status, imports) = get(&c, &format!("{base}/imports")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!imports.contains(&import_id.to_string()));
    let (status, _) = get(&c, &format!("{base}/imports/{import_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The refused attempts on records that exist elsewhere left a trace; an id that exists
    // nowhere did not.
    let (status, _) = get(&c, &format!("{base}/landings/{}", uuid::Uuid::new_v4())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // They are written after the answer (so that its time tells nothing).
    let denied = |what: &str, id: uuid::Uuid| {
        format!(
            "SELECT count(*) AS n FROM access.audit_log WHERE action = 'authorisation.denied'
             AND actor = 'atauro@tasi.tl' AND details ->> '{what}' = '{id}'"
        )
    };
    assert_eq!(
        common::settled_count(&db, &denied("landing", baucau_id), 1).await,
        1
    );
    assert_eq!(
        common::settled_count(&db, &denied("import", import_id), 1).await,
        1
    );
    assert_eq!(audit_count(&db, "authorisation.denied"), 2);

    // Summary rows: the "national" figures an Atauro analyst sees are Atauro's alone.
    let a = client();
    assert_eq!(
        log_in(&a, &base, "atauro.analyst@tasi.tl", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (status, csv) = get(&a, &format!("{base}/landings/summary.csv")).await;
    assert_eq!(status, StatusCode::OK);
    let sum = |prefix: &str| -> i64 {
        csv.lines()
            .filter(|l| l.starts_with(prefix))
            .filter_map(|l| l.split(',').nth(4)?.parse::<i64>().ok())
            .sum()
    };
    let atauro_summarised = db.count(
        "SELECT count(*) AS n FROM landings.surveyed_landings WHERE counts_in_summaries AND municipality = 'Atauro'",
    );
    assert!(atauro_summarised > 0);
    assert_eq!(sum("national,"), atauro_summarised);
    assert_eq!(sum("municipality,Atauro,"), atauro_summarised);
    assert_eq!(sum("boat_type,"), atauro_summarised);
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| !l.starts_with("municipality,") || l.starts_with("municipality,Atauro,"))
    );
}

#[actix_web::test]
async fn logins_are_throttled_per_account_with_429_and_retry_after() {
    let db = with_data();
    add_user_as(
        &db,
        "viewer@tasi.tl",
        PASSWORD,
        &NewGrants::On(Role::Viewer, path("Timor-Leste")),
    );
    let throttle = LoginThrottle::with(
        3,
        std::time::Duration::from_secs(600),
        100,
        std::time::Duration::from_secs(1),
    );
    let base = spawn_state(state(&db).with_throttle(throttle));
    let c = client();
    for _ in 0..3 {
        assert_eq!(
            log_in(&c, &base, "viewer@tasi.tl", "wrong password, sorry")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = log_in(&c, &base, "viewer@tasi.tl", PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let retry: u64 = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(retry > 0 && retry <= 600, "Retry-After {retry}");
    assert!(
        r.text()
            .await
            .unwrap_or_default()
            .contains("Too many attempts")
    );
    assert_eq!(audit_count(&db, "login.failed"), 3);
    assert_eq!(audit_count(&db, "login.throttled"), 1);
    // Another account from the same address is not slowed.
    add_user_as(
        &db,
        "other@tasi.tl",
        PASSWORD,
        &NewGrants::On(Role::Viewer, path("Timor-Leste")),
    );
    assert_eq!(
        log_in(&client(), &base, "other@tasi.tl", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn the_session_id_changes_at_login_and_the_old_one_is_refused() {
    let db = with_data();
    add_user_as(
        &db,
        "viewer@tasi.tl",
        PASSWORD,
        &NewGrants::On(Role::Viewer, path("Timor-Leste")),
    );
    let base = spawn_state(state(&db));
    let c = client();
    let r = c
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(session_cookie(&r), None, "a visitor gets no session");
    let page = r.text().await.unwrap_or_default();
    // A first login, then a second one from the same browser: each gets a new id.
    let r = c
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", csrf_of(&page).as_str()),
            ("email", "viewer@tasi.tl"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let before = session_cookie(&r).unwrap_or_default();
    assert!(before.len() > 40, "a session at login: {before}");
    let (_, page) = get(&c, &format!("{base}/flags")).await;
    let token = csrf_of(&page);
    let r = c
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "viewer@tasi.tl"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let after = session_cookie(&r).unwrap_or_default();
    assert!(
        !after.is_empty() && after != before,
        "a new session id at login"
    );
    // The first login's id does not open pages any more.
    let old = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let r = old
        .get(format!("{base}/"))
        .header("cookie", &before)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The new one does, until logout ends it on the server.
    let r = old
        .get(format!("{base}/flags"))
        .header("cookie", &after)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap_or_default();
    c.post(format!("{base}/logout"))
        .form(&[("csrf_token", csrf_of(&page).as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let r = old
        .get(format!("{base}/flags"))
        .header("cookie", &after)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a logged-out session id is dead"
    );
    assert_eq!(audit_count(&db, "login.succeeded"), 2);
    assert_eq!(audit_count(&db, "logout"), 1);
}

#[actix_web::test]
async fn sessions_end_after_30_idle_minutes_and_8_hours_in_all() {
    let db = with_data();
    add_user_as(
        &db,
        "viewer@tasi.tl",
        PASSWORD,
        &NewGrants::On(Role::Viewer, path("Timor-Leste")),
    );
    let clock = Arc::new(TestClock::new());
    let base = spawn_state(state(&db).with_clock(clock.clone()));

    let c = client();
    log_in(&c, &base, "viewer@tasi.tl", PASSWORD).await;
    clock.advance(Duration::minutes(29));
    assert_eq!(get(&c, &format!("{base}/flags")).await.0, StatusCode::OK);
    clock.advance(Duration::minutes(31));
    assert_eq!(
        get(&c, &format!("{base}/flags")).await.0,
        StatusCode::SEE_OTHER,
        "idle for 31 minutes"
    );

    let c = client();
    log_in(&c, &base, "viewer@tasi.tl", PASSWORD).await;
    for _ in 0..16 {
        clock.advance(Duration::minutes(29));
        assert_eq!(get(&c, &format!("{base}/flags")).await.0, StatusCode::OK);
    }
    // 7 h 44 min of activity so far; 29 more minutes passes 8 hours since login.
    clock.advance(Duration::minutes(29));
    assert_eq!(
        get(&c, &format!("{base}/flags")).await.0,
        StatusCode::SEE_OTHER,
        "8 hours since login"
    );
    assert_eq!(audit_count(&db, "session.expired"), 2);
}

#[actix_web::test]
async fn disabling_a_user_ends_their_sessions_at_once() {
    let db = with_data();
    add_user_as(
        &db,
        "viewer@tasi.tl",
        PASSWORD,
        &NewGrants::On(Role::Viewer, path("Timor-Leste")),
    );
    // The admin exists: the database lets only an enabled admin of the user's
    // jurisdictions disable them.
    add_user_as(
        &db,
        "admin@tasi.tl",
        PASSWORD,
        &NewGrants::On(Role::Admin, path("Timor-Leste")),
    );
    let base = spawn_state(state(&db));
    let c = client();
    log_in(&c, &base, "viewer@tasi.tl", PASSWORD).await;
    assert_eq!(get(&c, &format!("{base}/flags")).await.0, StatusCode::OK);

    let email = Email::parse("viewer@tasi.tl").unwrap_or_else(|e| panic!("{e}"));
    let accounts = DieselAccounts::new(db.pool.clone());
    let viewer = accounts
        .by_email(&email)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("the viewer exists"));
    let platform = db.platform();
    let hasher = Argon2idHasher::new().unwrap_or_else(|e| panic!("{e}"));
    let ports = AdminPorts {
        uow: platform.uow().as_ref(),
        accounts: &accounts,
        directory: &DieselJurisdictionDirectory::new(db.pool.clone()),
        queries: &DieselAdminQueries::new(db.pool.clone()),
        credentials: Credentials {
            hasher: &hasher,
            strength: &ZxcvbnStrength,
        },
        clock: &common::TestClock::new(),
    };
    let admin = Administrator {
        user_id: common::user_id(&db, "admin@tasi.tl"),
        email: "admin@tasi.tl".into(),
        scope: AccessScope::of(vec![path("Timor-Leste")]),
        client_addr: None,
    };
    let (_, ended) =
        set_user_disabled(&ports, &admin, viewer.id, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ended, 1);
    assert_eq!(
        get(&c, &format!("{base}/flags")).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        log_in(&client(), &base, "viewer@tasi.tl", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(audit_count(&db, "user.disabled"), 1);
}

#[test]
fn the_audit_log_refuses_update_delete_and_truncate() {
    let db = TestDb::new();
    use diesel::RunQueryDsl;
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(
        "INSERT INTO access.audit_log (actor, action) VALUES ('<script>x</script>', 'test')",
    )
    .execute(&mut c)
    .unwrap_or_else(|e| panic!("{e}"));
    for sql in [
        "UPDATE access.audit_log SET actor = 'someone else'",
        "DELETE FROM access.audit_log",
        "TRUNCATE access.audit_log",
    ] {
        let err = diesel::sql_query(sql)
            .execute(&mut c)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(
        db.count("SELECT count(*) AS n FROM access.audit_log WHERE actor = '<script>x</script>'"),
        1
    );
}
