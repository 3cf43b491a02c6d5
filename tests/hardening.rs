//! The holes an attack on a running instance found, each tried again through HTTP on a real
//! server, a real PostgreSQL and a sample of the real PeskAAS data: ended sessions stay
//! ended, session ids are stored hashed, visitors write no session, set-password links die
//! with a change of access, and redirects after login stay on the site.

mod common;

use common::{
    TestDb, add_user_as, client, exec, get, link_token, log_in_as, post, post_raw, spawn_state,
    text, user_id,
};
use reqwest::{Client, StatusCode};
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::adapters::security::sha256_hex;
use tasi::application::access::NewGrants;
use tasi::domain::access::Role;
use tasi::domain::shared::JurisdictionPath;

const PASSWORD: &str = "a long enough passphrase";
const NEW_PASSWORD: &str = "another long passphrase of mine";
const ADMIN: &str = "admin@tasi.tl";
const OFFICER: &str = "officer@tasi.tl";

fn with_data() -> TestDb {
    let db = TestDb::new();
    let sample = common::peskaas_sample(50);
    common::import_dir(&db, &sample.0, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    db
}

fn add(db: &TestDb, email: &str, role: Role, at: &str) {
    let at = JurisdictionPath::parse(at).unwrap_or_else(|e| panic!("{e}"));
    add_user_as(db, email, PASSWORD, &NewGrants::On(role, at));
}

/// A client logged in as `email` with `password`.
async fn logged_in(base: &str, email: &str, password: &str) -> Client {
    let c = client();
    let r = log_in_as(&c, base, email, password).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{email} logs in");
    c
}

/// The status of `GET /landings` for `c`: 200 while its session lasts, 303 to the login
/// page after.
async fn landings_status(c: &Client, base: &str) -> StatusCode {
    get(c, &format!("{base}/landings")).await.0
}

fn sessions_of(db: &TestDb, email: &str) -> i64 {
    db.count(&format!(
        "SELECT count(*) AS n FROM access.sessions s JOIN access.users u ON u.id = s.user_id \
         WHERE u.email = '{email}'"
    ))
}

#[actix_web::test]
async fn a_session_revoked_while_its_requests_are_in_flight_stays_ended() {
    let db = with_data();
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    add(&db, OFFICER, Role::Officer, "Timor-Leste");
    let base = spawn_state(db.state(false));
    let officer = logged_in(&base, OFFICER, PASSWORD).await;
    let admin = logged_in(&base, ADMIN, PASSWORD).await;
    let id = user_id(&db, OFFICER);
    let key = text(
        &db,
        &format!("SELECT key_hash AS t FROM access.sessions WHERE user_id = '{id}'"),
    );

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut loops = Vec::new();
    for _ in 0..4 {
        let (c, base, stop) = (officer.clone(), base.clone(), stop.clone());
        loops.push(actix_web::rt::spawn(async move {
            let mut after = 0;
            while after < 15 {
                landings_status(&c, &base).await;
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    after += 1;
                }
            }
        }));
    }
    actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
    let (status, _, _) = post(
        &admin,
        &format!("{base}/admin/users/{id}"),
        &format!("{base}/admin/sessions/revoke"),
        &[("key", key.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the session is revoked");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for l in loops {
        l.await.unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(sessions_of(&db, OFFICER), 0, "no row was written back");
    assert_eq!(
        landings_status(&officer, &base).await,
        StatusCode::SEE_OTHER,
        "the cookie the officer holds opens nothing"
    );
}

#[actix_web::test]
async fn a_session_row_written_back_after_a_grant_change_is_void() {
    let db = with_data();
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    add(&db, OFFICER, Role::Officer, "Timor-Leste/Atauro");
    let base = spawn_state(db.state(false));
    let officer = logged_in(&base, OFFICER, PASSWORD).await;
    assert_eq!(landings_status(&officer, &base).await, StatusCode::OK);
    let id = user_id(&db, OFFICER);
    exec(
        &db,
        &format!(
            "CREATE TABLE public.kept AS SELECT * FROM access.sessions WHERE user_id = '{id}'"
        ),
    );

    let admin = logged_in(&base, ADMIN, PASSWORD).await;
    let (status, _, _) = post(
        &admin,
        &format!("{base}/admin/users/{id}"),
        &format!("{base}/admin/users/{id}/grants"),
        &[("role", "viewer"), ("jurisdiction", "Timor-Leste/Baucau")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(sessions_of(&db, OFFICER), 0);

    // A row with the login's state comes back (as a request in flight could write it).
    exec(&db, "INSERT INTO access.sessions SELECT * FROM public.kept");
    assert_eq!(sessions_of(&db, OFFICER), 1);
    assert_eq!(
        landings_status(&officer, &base).await,
        StatusCode::SEE_OTHER,
        "a session that began before the grant change is void"
    );
    // Logging in again works at once.
    let again = logged_in(&base, OFFICER, PASSWORD).await;
    assert_eq!(landings_status(&again, &base).await, StatusCode::OK);
}

#[actix_web::test]
async fn session_ids_are_stored_hashed_and_visitors_write_no_session() {
    let db = with_data();
    add(&db, OFFICER, Role::Officer, "Timor-Leste");
    let base = spawn_state(db.state(false));

    for _ in 0..40 {
        let (status, page) = get(&client(), &format!("{base}/login")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!common::csrf_of(&page).is_empty(), "the form has its token");
    }
    assert_eq!(
        db.count("SELECT count(*) AS n FROM access.sessions"),
        0,
        "anonymous login pages store nothing"
    );

    let c = client();
    let r = log_in_as(&c, &base, OFFICER, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tasi="))
        .unwrap_or_else(|| panic!("a session cookie"));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap_or_default().to_string();
    // The signed cookie ends with the 64 hex characters of the session's key.
    let value = cookie.trim_start_matches("tasi=");
    let key = &value[value.len() - 64..];
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()), "{value}");
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) AS n FROM access.sessions WHERE key_hash = '{key}' \
             OR state::text LIKE '%{key}%'"
        )),
        0,
        "the key itself is stored nowhere"
    );
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) AS n FROM access.sessions WHERE key_hash = '{}'",
            sha256_hex(key)
        )),
        1,
        "its SHA-256 is"
    );
    assert_eq!(landings_status(&c, &base).await, StatusCode::OK);
}

#[actix_web::test]
async fn the_sessions_user_is_read_with_it_on_every_request_and_never_stored() {
    let db = with_data();
    add(&db, OFFICER, Role::Officer, "Timor-Leste/Atauro");
    let clock = std::sync::Arc::new(common::TestClock::new());
    let base = spawn_state(db.state(false).with_clock(clock.clone()));
    let c = logged_in(&base, OFFICER, PASSWORD).await;
    assert_eq!(landings_status(&c, &base).await, StatusCode::OK);
    // Two minutes on, the request writes the session's "last seen" back: the state the
    // store loaded (with the user and grants beside it) is written without them.
    clock.advance(chrono::Duration::minutes(2));
    let (status, page) = get(&c, &format!("{base}/landings")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Atauro"), "the officer's scope");
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM access.sessions \
             WHERE state ? 'seen_at' AND (state::jsonb)->>'seen_at' <> ''"
        ),
        1,
        "the session was written back"
    );
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM access.sessions \
             WHERE state::text LIKE '%principal%' OR state::text LIKE '%argon2%' \
                OR state::text LIKE '%Atauro%'"
        ),
        0,
        "no user, password hash or grant is stored in a session"
    );
    // Read fresh on each request: a change made in the database (here by its owner, not
    // through the application) holds at the next request.
    exec(
        &db,
        &format!("UPDATE access.users SET disabled = true WHERE email = '{OFFICER}'"),
    );
    assert_eq!(landings_status(&c, &base).await, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn logging_out_everywhere_and_changing_the_password_end_every_session() {
    let db = with_data();
    add(&db, OFFICER, Role::Officer, "Timor-Leste");
    let base = spawn_state(db.state(false));
    let account = format!("{base}/account");

    let (a, b) = (
        logged_in(&base, OFFICER, PASSWORD).await,
        logged_in(&base, OFFICER, PASSWORD).await,
    );
    let (status, page) = get(&a, &account).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Log out everywhere"), "{page}");
    let (status, _, location) = post(&a, &account, &format!("{base}/logout/everywhere"), &[]).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/login?done=everywhere")
    );
    assert_eq!(landings_status(&a, &base).await, StatusCode::SEE_OTHER);
    assert_eq!(landings_status(&b, &base).await, StatusCode::SEE_OTHER);
    assert_eq!(sessions_of(&db, OFFICER), 0);

    let (a, b) = (
        logged_in(&base, OFFICER, PASSWORD).await,
        logged_in(&base, OFFICER, PASSWORD).await,
    );
    let change = format!("{base}/account/password");
    for (current, new, confirm, why) in [
        (
            "not my password",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "current password is not right",
        ),
        (
            PASSWORD,
            NEW_PASSWORD,
            "something else entirely",
            "not the same",
        ),
        (PASSWORD, "password1234", "password1234", ""),
    ] {
        let (status, page, _) = post(
            &a,
            &account,
            &change,
            &[
                ("current", current),
                ("password", new),
                ("confirm", confirm),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
        assert!(
            page.contains(why) && page.contains("class=\"error\""),
            "{page}"
        );
    }
    assert_eq!(
        landings_status(&b, &base).await,
        StatusCode::OK,
        "nothing changed yet"
    );
    let (status, _, location) = post(
        &a,
        &account,
        &change,
        &[
            ("current", PASSWORD),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/login?done=password")
    );
    assert_eq!(landings_status(&a, &base).await, StatusCode::SEE_OTHER);
    assert_eq!(landings_status(&b, &base).await, StatusCode::SEE_OTHER);
    assert_eq!(
        log_in_as(&client(), &base, OFFICER, PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let c = logged_in(&base, OFFICER, NEW_PASSWORD).await;
    assert_eq!(landings_status(&c, &base).await, StatusCode::OK);
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM access.audit_log \
             WHERE action IN ('password.changed', 'sessions.ended_everywhere')"
        ),
        2
    );
}

/// Creates `email` as an officer of `at` through the admin page of `admin`; the token of
/// the set-password link it shows.
async fn create_with_link(admin: &Client, base: &str, email: &str, at: &str) -> String {
    let users = format!("{base}/admin/users");
    let (status, page, _) = post(
        admin,
        &users,
        &users,
        &[("email", email), ("role", "officer"), ("jurisdiction", at)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    link_token(&page)
}

#[actix_web::test]
async fn an_unused_link_dies_with_a_change_of_access_and_needs_its_issuer_in_charge() {
    let db = with_data();
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    add(
        &db,
        "atauro.admin@tasi.tl",
        Role::Admin,
        "Timor-Leste/Atauro",
    );
    let base = spawn_state(db.state(false));
    let national = logged_in(&base, ADMIN, PASSWORD).await;
    let atauro = logged_in(&base, "atauro.admin@tasi.tl", PASSWORD).await;

    // Widened by the national admin: the Atauro admin's link stops working.
    let widened = create_with_link(&atauro, &base, "widened@tasi.tl", "Timor-Leste/Atauro").await;
    let id = user_id(&db, "widened@tasi.tl");
    let (status, _, _) = post(
        &national,
        &format!("{base}/admin/users/{id}"),
        &format!("{base}/admin/users/{id}/grants"),
        &[("role", "officer"), ("jurisdiction", "Timor-Leste/Baucau")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = get(&client(), &format!("{base}/set-password/{widened}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");

    // A grant written past the use cases: the issuer no longer manages the user.
    let bypassed = create_with_link(&atauro, &base, "bypassed@tasi.tl", "Timor-Leste/Atauro").await;
    let id = user_id(&db, "bypassed@tasi.tl");
    exec(
        &db,
        &format!(
            "INSERT INTO access.grants (user_id, role, jurisdiction_path, granted_by) \
             VALUES ('{id}', 'officer', 'Timor-Leste/Baucau', 'sql')"
        ),
    );
    let (status, _) = get(&client(), &format!("{base}/set-password/{bypassed}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Disabling and enabling cancel a link too.
    let toggled = create_with_link(&atauro, &base, "toggled@tasi.tl", "Timor-Leste/Atauro").await;
    let id = user_id(&db, "toggled@tasi.tl");
    for action in ["disable", "enable"] {
        let (status, _, _) = post(
            &atauro,
            &format!("{base}/admin/users/{id}"),
            &format!("{base}/admin/users/{id}/{action}"),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{action}");
    }
    let (status, _) = get(&client(), &format!("{base}/set-password/{toggled}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An untouched link works, and a weak password answers the form again with why.
    let kept = create_with_link(&atauro, &base, "kept@tasi.tl", "Timor-Leste/Atauro").await;
    let visitor = client();
    let link = format!("{base}/set-password/{kept}");
    let (status, page) = get(&visitor, &link).await;
    assert_eq!(status, StatusCode::OK);
    let token = common::csrf_of(&page);
    let (status, page, _) = post_raw(
        &visitor,
        &link,
        &[
            ("csrf_token", token.as_str()),
            ("password", "password1234"),
            ("confirm", "password1234"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("class=\"error\""), "{page}");
    let token = common::csrf_of(&page);
    let (status, _, location) = post_raw(
        &visitor,
        &link,
        &[
            ("csrf_token", token.as_str()),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/login")
    );
    logged_in(&base, "kept@tasi.tl", NEW_PASSWORD).await;
}

#[actix_web::test]
async fn the_page_after_login_is_always_on_the_site() {
    let db = with_data();
    add(&db, OFFICER, Role::Officer, "Timor-Leste");
    let base = spawn_state(db.state(false));
    for (next, kept) in [
        ("/%09/evil.example", "/"),
        ("/%0d%0aSet-Cookie:%20x=1", "/"),
        ("//evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("https://evil.example", "/"),
        ("/landings?page=2", "/landings?page=2"),
    ] {
        let c = client();
        let (status, page) = get(&c, &format!("{base}/login?next={next}")).await;
        assert_eq!(status, StatusCode::OK, "{next}: {page}");
        let form_next = common::hidden(&page, "next");
        assert_eq!(form_next, kept.replace('&', "&amp;"), "{next}");
        let decoded: String =
            serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("n={next}"))
                .unwrap_or_default()
                .into_iter()
                .map(|(_, v)| v)
                .collect();
        let token = common::csrf_of(&page);
        let (status, _, location) = post_raw(
            &c,
            &format!("{base}/login"),
            &[
                ("csrf_token", token.as_str()),
                ("email", OFFICER),
                ("password", PASSWORD),
                ("next", decoded.as_str()),
            ],
        )
        .await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::SEE_OTHER, kept),
            "{next}"
        );
    }
}

#[actix_web::test]
async fn right_logins_are_never_throttled() {
    let db = with_data();
    add(&db, OFFICER, Role::Officer, "Timor-Leste");
    let base = spawn_state(db.state(false));
    for i in 0..12 {
        let r = log_in_as(&client(), &base, OFFICER, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login {i}");
    }
}

/// The navigation links of a page, by their text.
fn nav_of(page: &str) -> Vec<String> {
    let nav = page
        .split("<nav>")
        .nth(1)
        .and_then(|s| s.split("</nav>").next())
        .unwrap_or_default();
    nav.split("<a ")
        .skip(1)
        .filter_map(|s| s.split_once('>'))
        .filter_map(|(_, s)| s.split("</a>").next())
        .map(str::to_string)
        .collect()
}

#[actix_web::test]
async fn pages_show_a_user_what_their_role_and_scope_open() {
    let db = with_data();
    add(&db, "viewer@tasi.tl", Role::Viewer, "Timor-Leste");
    add(&db, OFFICER, Role::Officer, "Timor-Leste/Atauro");
    let base = spawn_state(db.state(false));

    let viewer = logged_in(&base, "viewer@tasi.tl", PASSWORD).await;
    let (_, home) = get(&viewer, &format!("{base}/")).await;
    assert_eq!(
        nav_of(&home),
        [
            "Dashboard",
            "Landings",
            "Monthly summary",
            "Quality flags",
            "Estimates",
            "Tracking"
        ]
    );
    assert!(home.contains("<h1>Timor-Leste</h1>"), "{home}");
    assert!(home.contains(">Baucau</a></td>") && home.contains(">Atauro</a></td>"));
    // One municipality chosen: its row alone.
    let (_, baucau) = get(&viewer, &format!("{base}/?municipality=Baucau")).await;
    assert!(baucau.contains("<h1>Baucau</h1>"));
    assert!(baucau.contains(">Baucau</a></td>") && !baucau.contains(">Atauro</a></td>"));

    let officer = logged_in(&base, OFFICER, PASSWORD).await;
    let (_, home) = get(&officer, &format!("{base}/")).await;
    assert_eq!(
        nav_of(&home),
        [
            "Dashboard",
            "Landings",
            "Monthly summary",
            "Quality flags",
            "Reviews",
            "Estimates",
            "Tracking",
            "Imports"
        ]
    );
    assert!(home.contains("<h1>Atauro</h1>"), "not 'National': {home}");
    assert!(home.contains("All of Atauro") && !home.contains("National"));
    assert!(!home.contains("tasi import"), "no shell command as advice");
}

#[actix_web::test]
async fn the_audit_log_stays_bounded_and_records_every_failed_login() {
    let db = with_data();
    add(&db, "viewer@tasi.tl", Role::Viewer, "Timor-Leste");
    let base = spawn_state(db.state(false));

    let huge = format!("{}@evil.example", "x".repeat(19_000));
    let r = log_in_as(&client(), &base, &huge, "whatever it is").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM access.audit_log \
             WHERE action = 'login.failed' AND length(actor) = 254 AND actor LIKE 'xxx%'"
        ),
        1,
        "the failed login is recorded, its actor cut to 254 characters"
    );

    // A viewer refused the reviews five times in a minute: one entry.
    let viewer = logged_in(&base, "viewer@tasi.tl", PASSWORD).await;
    for _ in 0..5 {
        assert_eq!(
            get(&viewer, &format!("{base}/reviews")).await.0,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM access.audit_log WHERE action = 'authorisation.denied'"
        ),
        1
    );
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM access.audit_log \
             WHERE length(details::text) > 2200 OR length(actor) > 254"
        ),
        0
    );
}

#[actix_web::test]
async fn the_audit_log_shows_an_admin_only_the_entries_of_their_subtree() {
    let db = with_data();
    add(&db, ADMIN, Role::Admin, "Timor-Leste");
    add(&db, "au-chief@tasi.tl", Role::Admin, "Timor-Leste/Atauro");
    add(&db, "atauro@tasi.tl", Role::Officer, "Timor-Leste/Atauro");
    add(&db, "baucau@tasi.tl", Role::Officer, "Timor-Leste/Baucau");
    let base = spawn_state(db.state(false));
    // Logins and a logout of both officers, a failed login typed with the Baucau officer's
    // address, and one with an address nobody has.
    for email in ["atauro@tasi.tl", "baucau@tasi.tl"] {
        let c = logged_in(&base, email, PASSWORD).await;
        post(
            &c,
            &format!("{base}/account"),
            &format!("{base}/logout"),
            &[],
        )
        .await;
    }
    let r = log_in_as(&client(), &base, "baucau@tasi.tl", "not the password").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = log_in_as(
        &client(),
        &base,
        "nobody@nowhere.example",
        "not the password",
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let atauro = logged_in(&base, "au-chief@tasi.tl", PASSWORD).await;
    let (status, page) = get(&atauro, &format!("{base}/admin/audit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("atauro@tasi.tl"),
        "the Atauro officer's entries"
    );
    for hidden in ["baucau@tasi.tl", "nobody@nowhere.example", ADMIN] {
        assert!(
            !page.contains(hidden),
            "an Atauro admin sees entries of {hidden}"
        );
    }
    let (_, filtered) = get(&atauro, &format!("{base}/admin/audit?actor=baucau")).await;
    assert!(
        !filtered.contains("baucau@tasi.tl"),
        "not even when asked for"
    );

    let national = logged_in(&base, ADMIN, PASSWORD).await;
    let (_, page) = get(&national, &format!("{base}/admin/audit")).await;
    for shown in ["atauro@tasi.tl", "baucau@tasi.tl", "nobody@nowhere.example"] {
        assert!(
            page.contains(shown),
            "a national admin sees the entries of {shown}"
        );
    }
    // Every entry about a user carries that user's jurisdictions.
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM access.audit_log \
             WHERE actor = 'baucau@tasi.tl' AND jurisdictions <> '{Timor-Leste/Baucau}'"
        ),
        0
    );
    assert!(
        db.count(
            "SELECT count(*) AS n FROM access.audit_log \
             WHERE actor = 'baucau@tasi.tl' AND action = 'login.failed'"
        ) == 1
    );
}

#[actix_web::test]
async fn an_id_outside_the_scope_is_answered_like_an_id_that_does_not_exist() {
    let db = with_data();
    add(&db, OFFICER, Role::Officer, "Timor-Leste/Atauro");
    let base = spawn_state(db.state(false));
    let officer = logged_in(&base, OFFICER, PASSWORD).await;
    let baucau = text(
        &db,
        "SELECT id::text AS t FROM landings.surveyed_landings \
         WHERE site_path LIKE 'Timor-Leste/Baucau/%' LIMIT 1",
    );
    let (refused, refused_page) = get(&officer, &format!("{base}/landings/{baucau}")).await;
    let unknown = uuid::Uuid::new_v4();
    let (absent, absent_page) = get(&officer, &format!("{base}/landings/{unknown}")).await;
    assert_eq!(
        (refused, absent),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(refused_page, absent_page, "the same page, byte for byte");
    // The refusal is recorded after the answer, the unknown id not at all.
    let sql = "SELECT count(*) AS n FROM access.audit_log WHERE action = 'authorisation.denied'";
    assert_eq!(common::settled_count(&db, sql, 1).await, 1);
}

#[actix_web::test]
async fn a_refused_review_keeps_what_the_officer_typed() {
    let db = with_data();
    add(&db, OFFICER, Role::Officer, "Timor-Leste");
    let base = spawn_state(db.state(false));
    let officer = logged_in(&base, OFFICER, PASSWORD).await;
    let id = text(
        &db,
        "SELECT id::text AS t FROM landings.surveyed_landings LIMIT 1",
    );
    let page = format!("{base}/landings/{id}");
    let (status, html, _) = post(
        &officer,
        &page,
        &format!("{page}/review"),
        &[
            ("decision", "correct"),
            ("reason", "   "),
            ("date", "2020-03-04"),
            ("gear", "2"),
            ("hours_at_sea", "7.5"),
            ("fisher_hours", "22.5"),
            ("catch_value_usd", "31"),
        ],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "an empty reason is refused"
    );
    assert!(html.contains("class=\"error\""), "{html}");
    for kept in [
        "value=\"correct\" checked",
        "value=\"2020-03-04\"",
        "name=\"hours_at_sea\" value=\"7.5\"",
        "name=\"fisher_hours\" value=\"22.5\"",
        "name=\"catch_value_usd\" value=\"31\"",
    ] {
        assert!(html.contains(kept), "{kept} not kept");
    }
    let gear = html
        .split("name=\"gear\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .unwrap_or_default();
    assert!(gear.contains("value=\"2\" selected"), "{gear}");
}
