//! Administration through HTTP: admins create users with one-time set-password links,
//! manage grants, sessions and accounts inside their own jurisdictions only, and read the
//! audit log; on the real PeskAAS data, a real server and a real PostgreSQL.

mod common;

use std::sync::Arc;

use chrono::{Duration, Utc};
use common::{
    TestClock, TestDb, add_user_as, client, exec, get, hidden, link_token, post, post_raw,
    spawn_state, text, user_id,
};
use reqwest::{Client, StatusCode};
use tasi::adapters::http::shared::views::int;
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::application::access::NewGrants;
use tasi::application::access::ports::AccessTx;
use tasi::application::shared::{Caller, UnitOfWork};
use tasi::domain::access::{Grant, Role};
use tasi::domain::shared::JurisdictionPath;
use tasi::startup::web::WebApp;

const PASSWORD: &str = "a long enough passphrase";
const ADMIN: &str = "admin@tasi.tl";

fn path(p: &str) -> JurisdictionPath {
    JurisdictionPath::parse(p).unwrap_or_else(|e| panic!("{e}"))
}

async fn log_in(c: &Client, base: &str, email: &str, password: &str) -> StatusCode {
    let (status, _, _) = post(
        c,
        &format!("{base}/login"),
        &format!("{base}/login"),
        &[("email", email), ("password", password)],
    )
    .await;
    status
}

/// A client logged in as `email`.
async fn logged_in(base: &str, email: &str) -> Client {
    let c = client();
    assert_eq!(
        log_in(&c, base, email, PASSWORD).await,
        StatusCode::SEE_OTHER,
        "{email} logs in"
    );
    c
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

fn add(db: &TestDb, email: &str, role: Role, at: &str) {
    add_user_as(db, email, PASSWORD, &NewGrants::On(role, path(at)));
}

fn audit_count(db: &TestDb, action: &str) -> i64 {
    db.count(&format!(
        "SELECT count(*) AS n FROM access.audit_log WHERE action = '{action}'"
    ))
}

fn grant_count(db: &TestDb, email: &str) -> i64 {
    db.count(&format!(
        "SELECT count(*) AS n FROM access.grants g JOIN access.users u ON u.id = g.user_id WHERE u.email = '{email}'"
    ))
}

/// A second country, created in geography's table.
fn add_australia(db: &TestDb) {
    exec(
        db,
        "INSERT INTO geography.jurisdictions (id, path, name, kind) \
         VALUES (gen_random_uuid(), 'Australia', 'Australia', 'country')",
    );
}

#[actix_web::test]
async fn an_admin_creates_an_atauro_officer_whose_one_time_link_sets_a_password_for_24_hours() {
    let db = with_data();
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    let clock = Arc::new(TestClock::new());
    let base = spawn_state(state(&db).with_clock(clock.clone()));
    let admin = logged_in(&base, ADMIN).await;

    let (status, users) = get(&admin, &format!("{base}/admin/users")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        users.contains("<option value=\"Timor-Leste/Atauro\""),
        "{users}"
    );
    assert!(
        users.contains(">Admin</a>"),
        "the nav links the admin pages"
    );

    let (status, created, _) = post(
        &admin,
        &format!("{base}/admin/users"),
        &format!("{base}/admin/users"),
        &[
            ("email", "Atauro.Officer@tasi.tl"),
            ("role", "officer"),
            ("jurisdiction", "Timor-Leste/Atauro"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert!(created.contains("expires at"));
    let token = link_token(&created);
    let email = "atauro.officer@tasi.tl";

    // Only the lookup part is stored in the clear; the secret only as an argon2id hash.
    let stored = text(
        &db,
        "SELECT lookup || ' ' || secret_hash AS t FROM access.password_tokens",
    );
    assert!(
        stored.starts_with(&format!("{} $argon2id$", &token[..16])),
        "{stored}"
    );
    assert!(!stored.contains(&token[16..]));
    assert_eq!(grant_count(&db, email), 1);
    // No password works before one is set.
    assert_eq!(
        log_in(&client(), &base, email, PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );

    // The link is public.
    let visitor = client();
    let link = format!("{base}/set-password/{token}");
    let (status, form) = get(&visitor, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(email));
    for (password, confirm, why) in [
        ("short", "short", "at least 12"),
        (PASSWORD, "another long passphrase", "not the same"),
        (
            "Atauro.Officer@tasi.tl",
            "Atauro.Officer@tasi.tl",
            "may not be your e-mail",
        ),
    ] {
        let (status, page, _) = post(
            &visitor,
            &link,
            &link,
            &[("password", password), ("confirm", confirm)],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{why}");
        assert!(page.contains(why), "{why}: {page}");
    }
    let (status, _, location) = post(
        &visitor,
        &link,
        &link,
        &[("password", PASSWORD), ("confirm", PASSWORD)],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/login")
    );

    // The new officer logs in and sees Atauro's landings alone.
    let officer = logged_in(&base, email).await;
    let (status, list) = get(&officer, &format!("{base}/landings")).await;
    assert_eq!(status, StatusCode::OK);
    let atauro = db.count(
        "SELECT count(*) AS n FROM landings.surveyed_landings WHERE site_path LIKE 'Timor-Leste/Atauro/%'",
    );
    assert!(atauro > 0);
    assert!(
        list.contains(&format!("{} landings", int(atauro))),
        "{list}"
    );
    assert_eq!(
        get(&officer, &format!("{base}/admin/users")).await.0,
        StatusCode::FORBIDDEN
    );

    // The link works once.
    let (status, page) = get(&client(), &link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("not valid any more"));
    let (status, _, _) = post(
        &visitor,
        &format!("{base}/login"),
        &link,
        &[
            ("password", "yet another passphrase"),
            ("confirm", "yet another passphrase"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        log_in(&client(), &base, email, PASSWORD).await,
        StatusCode::SEE_OTHER
    );

    // A reset makes the password unusable, ends the sessions and issues a new link, which
    // expires after 24 hours.
    let id = user_id(&db, email);
    let user_page = format!("{base}/admin/users/{id}");
    let (status, reset, _) = post(&admin, &user_page, &format!("{user_page}/reset"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{reset}");
    let second = link_token(&reset);
    assert_ne!(second, token);
    assert_eq!(
        get(&officer, &format!("{base}/landings")).await.0,
        StatusCode::SEE_OTHER,
        "the reset ended the officer's session"
    );
    assert_eq!(
        log_in(&client(), &base, email, PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    let second_link = format!("{base}/set-password/{second}");
    assert_eq!(get(&client(), &second_link).await.0, StatusCode::OK);
    clock.advance(Duration::hours(25));
    assert_eq!(get(&client(), &second_link).await.0, StatusCode::NOT_FOUND);
    let late = client();
    let (status, _, _) = post(
        &late,
        &format!("{base}/login"),
        &second_link,
        &[("password", PASSWORD), ("confirm", PASSWORD)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        log_in(&client(), &base, email, PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );

    assert_eq!(audit_count(&db, "user.created"), 1);
    assert_eq!(audit_count(&db, "password.set"), 1);
    assert_eq!(audit_count(&db, "password.reset_issued"), 1);
    assert_eq!(
        text(
            &db,
            "SELECT jurisdiction || ' ' || actor AS t FROM access.audit_log WHERE action = 'user.created'"
        ),
        format!("Timor-Leste/Atauro {ADMIN}")
    );
}

#[actix_web::test]
async fn an_admin_of_another_country_neither_sees_nor_manages_timor_leste_users() {
    let db = with_data();
    add_australia(&db);
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    add(&db, "atauro@tasi.tl", Role::Viewer, "Timor-Leste/Atauro");
    add(&db, "admin@fish.au", Role::Admin, "Australia");
    add(&db, "viewer@fish.au", Role::Viewer, "Australia");
    add(&db, "both@fish.au", Role::Viewer, "Australia");
    let grant = Grant {
        user_id: user_id(&db, "both@fish.au"),
        role: Role::Viewer,
        jurisdiction: path("Timor-Leste"),
    };
    db.platform()
        .uow()
        .run(&Caller::system("test"), |tx| {
            tx.users().add_grant(&grant, "test")
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let base = spawn_state(state(&db));
    let atauro = user_id(&db, "atauro@tasi.tl");
    let au_viewer = user_id(&db, "viewer@fish.au");

    // Timor-Leste's admin adds a grant: an audited event at Timor-Leste/Atauro.
    let tl = logged_in(&base, ADMIN).await;
    let (status, _, _) = post(
        &tl,
        &format!("{base}/admin/users/{atauro}"),
        &format!("{base}/admin/users/{atauro}/grants"),
        &[("role", "analyst"), ("jurisdiction", "Timor-Leste/Atauro")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, tl_users) = get(&tl, &format!("{base}/admin/users")).await;
    assert!(tl_users.contains("atauro@tasi.tl") && !tl_users.contains("viewer@fish.au"));
    assert!(
        !tl_users.contains("both@fish.au"),
        "a user with a grant outside the scope is not manageable"
    );

    let atauro_client = logged_in(&base, "atauro@tasi.tl").await;
    let au = logged_in(&base, "admin@fish.au").await;
    let (status, users) = get(&au, &format!("{base}/admin/users")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(users.contains("viewer@fish.au"));
    for hidden_user in ["atauro@tasi.tl", ADMIN, "both@fish.au"] {
        assert!(!users.contains(hidden_user), "{hidden_user} is listed");
    }
    assert!(users.contains("<option value=\"Australia\""));
    assert!(
        !users.contains("Timor-Leste"),
        "no Timor-Leste node offered"
    );

    assert_eq!(
        get(&au, &format!("{base}/admin/users/{atauro}")).await.0,
        StatusCode::NOT_FOUND
    );
    let au_page = format!("{base}/admin/users");
    let refusals = [
        (
            format!("{base}/admin/users/{atauro}/grants"),
            vec![("role", "viewer"), ("jurisdiction", "Australia")],
            StatusCode::NOT_FOUND,
        ),
        (
            format!("{base}/admin/users/{atauro}/grants/remove"),
            vec![("role", "viewer"), ("jurisdiction", "Timor-Leste/Atauro")],
            StatusCode::NOT_FOUND,
        ),
        (
            format!("{base}/admin/users/{au_viewer}/grants"),
            vec![("role", "viewer"), ("jurisdiction", "Timor-Leste")],
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("{base}/admin/users"),
            vec![
                ("email", "new@tasi.tl"),
                ("role", "viewer"),
                ("jurisdiction", "Timor-Leste/Atauro"),
            ],
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("{base}/admin/users/{atauro}/disable"),
            vec![],
            StatusCode::NOT_FOUND,
        ),
        (
            format!("{base}/admin/users/{atauro}/reset"),
            vec![],
            StatusCode::NOT_FOUND,
        ),
    ];
    for (url, fields, want) in &refusals {
        let (status, _, _) = post(&au, &au_page, url, fields).await;
        assert_eq!(status, *want, "{url}");
    }
    let key = text(
        &db,
        &format!("SELECT key_hash AS t FROM access.sessions WHERE user_id = '{atauro}'"),
    );
    let (status, _, _) = post(
        &au,
        &au_page,
        &format!("{base}/admin/sessions/revoke"),
        &[("key", key.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Nothing changed for the Timor-Leste user.
    assert_eq!(grant_count(&db, "atauro@tasi.tl"), 2);
    assert_eq!(grant_count(&db, "viewer@fish.au"), 1);
    assert_eq!(
        db.count("SELECT count(*) AS n FROM access.users WHERE email = 'new@tasi.tl'"),
        0
    );
    assert_eq!(
        get(&atauro_client, &format!("{base}/landings")).await.0,
        StatusCode::OK,
        "still logged in, password and account untouched"
    );
    assert_eq!(audit_count(&db, "authorisation.denied"), 7);

    // Audit entries at Timor-Leste's nodes are not shown to Australia's admin.
    let (_, audit) = get(&au, &format!("{base}/admin/audit?action=grant.added")).await;
    assert!(!audit.contains("<td>grant.added</td>"), "{audit}");
    let (_, audit) = get(&tl, &format!("{base}/admin/audit?action=grant.added")).await;
    assert!(audit.contains("<td>grant.added</td>"), "{audit}");
}

#[actix_web::test]
async fn removing_or_adding_a_grant_and_revoking_a_session_end_the_users_session() {
    let db = with_data();
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    add(&db, "viewer@tasi.tl", Role::Viewer, "Timor-Leste/Atauro");
    let base = spawn_state(state(&db));
    let id = user_id(&db, "viewer@tasi.tl");
    let admin = logged_in(&base, ADMIN).await;
    let user_page = format!("{base}/admin/users/{id}");
    let (status, _, _) = post(
        &admin,
        &user_page,
        &format!("{user_page}/grants"),
        &[("role", "viewer"), ("jurisdiction", "Timor-Leste/Baucau")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(grant_count(&db, "viewer@tasi.tl"), 2);

    // Removing a grant.
    let viewer = logged_in(&base, "viewer@tasi.tl").await;
    assert_eq!(
        get(&viewer, &format!("{base}/flags")).await.0,
        StatusCode::OK
    );
    let (status, _, location) = post(
        &admin,
        &user_page,
        &format!("{user_page}/grants/remove"),
        &[("role", "viewer"), ("jurisdiction", "Timor-Leste/Baucau")],
    )
    .await;
    assert_eq!(
        (status, location),
        (StatusCode::SEE_OTHER, format!("/admin/users/{id}"))
    );
    assert_eq!(grant_count(&db, "viewer@tasi.tl"), 1);
    let (status, _) = get(&viewer, &format!("{base}/flags")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the session ended");
    // The last grant stays: a user without one would be nobody's to manage.
    let (status, page, _) = post(
        &admin,
        &user_page,
        &format!("{user_page}/grants/remove"),
        &[("role", "viewer"), ("jurisdiction", "Timor-Leste/Atauro")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("at least one grant"));

    // Adding a grant.
    let viewer = logged_in(&base, "viewer@tasi.tl").await;
    let (status, _, _) = post(
        &admin,
        &user_page,
        &format!("{user_page}/grants"),
        &[("role", "analyst"), ("jurisdiction", "Timor-Leste/Atauro")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&viewer, &format!("{base}/flags")).await.0,
        StatusCode::SEE_OTHER
    );

    // Revoking a session: the page shows 8 characters of the key; the form sends it whole.
    let viewer = logged_in(&base, "viewer@tasi.tl").await;
    let key = text(
        &db,
        &format!("SELECT key_hash AS t FROM access.sessions WHERE user_id = '{id}'"),
    );
    let (status, page) = get(&admin, &user_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("{}…", &key[..8])), "{page}");
    assert_eq!(hidden(&page, "key"), key);
    assert_eq!(
        page.matches(&key).count(),
        1,
        "whole only in the hidden field"
    );
    let (status, _, location) = post(
        &admin,
        &user_page,
        &format!("{base}/admin/sessions/revoke"),
        &[("key", key.as_str())],
    )
    .await;
    assert_eq!(
        (status, location),
        (StatusCode::SEE_OTHER, format!("/admin/users/{id}"))
    );
    assert_eq!(
        get(&viewer, &format!("{base}/flags")).await.0,
        StatusCode::SEE_OTHER
    );
    let (status, _, _) = post(
        &admin,
        &user_page,
        &format!("{base}/admin/sessions/revoke"),
        &[("key", key.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a revoked session is gone");

    assert_eq!(audit_count(&db, "grant.added"), 2);
    assert_eq!(audit_count(&db, "grant.removed"), 1);
    assert_eq!(audit_count(&db, "session.revoked"), 1);
}

#[actix_web::test]
async fn an_admin_disables_and_enables_a_user_but_not_themselves() {
    let db = with_data();
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    add(&db, "viewer@tasi.tl", Role::Viewer, "Timor-Leste/Atauro");
    let base = spawn_state(state(&db));
    let id = user_id(&db, "viewer@tasi.tl");
    let admin = logged_in(&base, ADMIN).await;
    let viewer = logged_in(&base, "viewer@tasi.tl").await;
    let user_page = format!("{base}/admin/users/{id}");

    let (status, _, _) = post(&admin, &user_page, &format!("{user_page}/disable"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&viewer, &format!("{base}/flags")).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        log_in(&client(), &base, "viewer@tasi.tl", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    let (_, page) = get(&admin, &user_page).await;
    assert!(page.contains("disabled") && page.contains("/enable\""));
    let (_, list) = get(&admin, &format!("{base}/admin/users")).await;
    assert!(list.contains("<span class=\"bad\">disabled</span>"));

    let (status, _, _) = post(&admin, &user_page, &format!("{user_page}/enable"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        log_in(&client(), &base, "viewer@tasi.tl", PASSWORD).await,
        StatusCode::SEE_OTHER
    );

    // Recorded once each, with the admin's address and the user's jurisdiction.
    assert_eq!(
        text(
            &db,
            "SELECT string_agg(action || ' ' || actor || ' ' || jurisdiction || ' ' || client_addr, ', ' ORDER BY id) AS t
             FROM access.audit_log WHERE action LIKE 'user.%'"
        ),
        format!(
            "user.disabled {ADMIN} Timor-Leste/Atauro 127.0.0.1, user.enabled {ADMIN} Timor-Leste/Atauro 127.0.0.1"
        )
    );

    // Not themselves.
    let own = user_id(&db, ADMIN);
    let own_page = format!("{base}/admin/users/{own}");
    let (status, page) = get(&admin, &own_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("/disable\""),
        "no buttons on one's own account"
    );
    let (status, _, _) = post(&admin, &own_page, &format!("{own_page}/disable"), &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        get(&admin, &format!("{base}/admin/users")).await.0,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn viewers_officers_and_analysts_get_403_on_the_admin_pages_and_it_is_audited() {
    let db = with_data();
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    let admin_id = user_id(&db, ADMIN);
    let base = spawn_state(state(&db));
    for role in [Role::Viewer, Role::Officer, Role::Analyst] {
        let email = format!("{}@tasi.tl", role.key());
        add(&db, &email, role, "Timor-Leste");
        let c = logged_in(&base, &email).await;
        for route in [
            "/admin/users".to_string(),
            "/admin/audit".to_string(),
            format!("/admin/users/{admin_id}"),
        ] {
            let (status, page) = get(&c, &format!("{base}{route}")).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role} {route}");
            assert!(page.contains("Not allowed"));
        }
        let (status, _, _) = post(
            &c,
            &format!("{base}/flags"),
            &format!("{base}/admin/users/{admin_id}/disable"),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role} POST");
    }
    assert_eq!(audit_count(&db, "authorisation.denied"), 12);
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM access.audit_log WHERE action = 'authorisation.denied'
             AND details->>'path' = '/admin/audit' AND details->>'needs' = 'ManageUsers'"
        ),
        3
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM access.users WHERE disabled"),
        0
    );
}

#[actix_web::test]
async fn the_audit_page_filters_pages_and_escapes_what_users_typed() {
    let db = with_data();
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    let base = spawn_state(state(&db));
    let evil = "<script>alert(1)</script>@x.tl";
    assert_eq!(
        log_in(&client(), &base, evil, "whatever it is").await,
        StatusCode::UNAUTHORIZED
    );
    let admin = logged_in(&base, ADMIN).await;
    let (status, _, _) = post(
        &admin,
        &format!("{base}/admin/users"),
        &format!("{base}/admin/users"),
        &[
            ("email", "baucau@tasi.tl"),
            ("role", "viewer"),
            ("jurisdiction", "Timor-Leste/Baucau"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let audit = format!("{base}/admin/audit");
    let (status, failed) = get(&admin, &format!("{audit}?action=login.failed")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(failed.contains("<td>login.failed</td>"));
    assert!(!failed.contains("<td>login.succeeded</td>"));
    assert!(!failed.contains("<script>"), "{failed}");
    assert!(
        failed.contains("&#60;script&#62;alert(1)&#60;/script&#62;@x.tl")
            || failed.contains("&lt;script&gt;alert(1)&lt;/script&gt;@x.tl"),
        "{failed}"
    );

    // Actor: a case-insensitive part of the name.
    let (_, by_actor) = get(&admin, &format!("{audit}?actor=ADMIN%40tasi")).await;
    assert!(
        by_actor.contains("<td>login.succeeded</td>") && by_actor.contains("<td>user.created</td>")
    );
    assert!(!by_actor.contains("<td>login.failed</td>"));
    // Jurisdiction: the subtree.
    let (_, by_place) = get(&admin, &format!("{audit}?jurisdiction=Timor-Leste")).await;
    assert!(by_place.contains("<td>user.created</td>"));
    assert!(
        by_place.contains("user = baucau@tasi.tl"),
        "details as name = value"
    );
    assert!(!by_place.contains("<td>login.failed</td>"));
    let (_, elsewhere) = get(&admin, &format!("{audit}?jurisdiction=Timor-Leste/Atauro")).await;
    assert!(!elsewhere.contains("<td>user.created</td>"));
    // Days, UTC.
    let today = Utc::now().date_naive();
    let (_, tomorrow) = get(
        &admin,
        &format!("{audit}?from={}", today + Duration::days(1)),
    )
    .await;
    assert!(tomorrow.contains("No entry."));
    let (_, until_today) = get(&admin, &format!("{audit}?from={today}&to={today}")).await;
    assert!(until_today.contains("<td>login.failed</td>"));
    let (status, _) = get(&admin, &format!("{audit}?from=21/11/2026")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // 100 a page, newest first.
    exec(
        &db,
        "INSERT INTO access.audit_log (at, actor, action) \
         SELECT now() - make_interval(mins => n), 'bulk' || n, 'test.bulk' FROM generate_series(1, 150) AS n",
    );
    let (_, first) = get(&admin, &format!("{audit}?action=test.bulk")).await;
    assert_eq!(first.matches("<td>test.bulk</td>").count(), 100);
    assert!(first.find("<td>bulk1</td>") < first.find("<td>bulk2</td>"));
    assert!(first.contains("page=2"));
    let (_, second) = get(&admin, &format!("{audit}?action=test.bulk&page=2")).await;
    assert_eq!(second.matches("<td>test.bulk</td>").count(), 50);
    assert!(second.contains("<td>bulk150</td>") && !second.contains("page=3"));
}

#[actix_web::test]
async fn every_admin_post_without_its_csrf_token_is_refused() {
    let db = with_data();
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    add(&db, "viewer@tasi.tl", Role::Viewer, "Timor-Leste/Atauro");
    let base = spawn_state(state(&db));
    let id = user_id(&db, "viewer@tasi.tl");
    let admin = logged_in(&base, ADMIN).await;
    let _viewer = logged_in(&base, "viewer@tasi.tl").await;
    let key = text(
        &db,
        &format!("SELECT key_hash AS t FROM access.sessions WHERE user_id = '{id}'"),
    );
    let u = format!("{base}/admin/users/{id}");
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("{base}/admin/users"),
            vec![
                ("email", "new@tasi.tl"),
                ("role", "viewer"),
                ("jurisdiction", "Timor-Leste"),
            ],
        ),
        (
            format!("{u}/grants"),
            vec![("role", "admin"), ("jurisdiction", "Timor-Leste")],
        ),
        (
            format!("{u}/grants/remove"),
            vec![("role", "viewer"), ("jurisdiction", "Timor-Leste/Atauro")],
        ),
        (format!("{u}/disable"), vec![]),
        (format!("{u}/enable"), vec![]),
        (format!("{u}/reset"), vec![]),
        (
            format!("{base}/admin/sessions/revoke"),
            vec![("key", key.as_str())],
        ),
    ];
    for (url, fields) in &posts {
        let (status, _, _) = post_raw(&admin, url, fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{url} without a token");
        let mut forged = fields.clone();
        forged.push(("csrf_token", "0000"));
        let (status, _, _) = post_raw(&admin, url, &forged).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{url} with a wrong token");
    }
    // Nothing happened.
    assert_eq!(db.count("SELECT count(*) AS n FROM access.users"), 2);
    assert_eq!(grant_count(&db, "viewer@tasi.tl"), 1);
    assert_eq!(
        db.count("SELECT count(*) AS n FROM access.users WHERE disabled"),
        0
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM access.password_tokens"),
        0
    );
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) AS n FROM access.sessions WHERE key_hash = '{key}'"
        )),
        1
    );

    // The public set-password form needs its token too.
    let (status, page, _) = post(&admin, &u, &format!("{u}/reset"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    let link = format!("{base}/set-password/{}", link_token(&page));
    let visitor = client();
    assert_eq!(get(&visitor, &link).await.0, StatusCode::OK);
    let (status, _, _) = post_raw(
        &visitor,
        &link,
        &[("password", PASSWORD), ("confirm", PASSWORD)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(get(&visitor, &link).await.0, StatusCode::OK, "still unused");
}
