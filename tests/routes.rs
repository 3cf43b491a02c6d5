//! The route inventory: every route of the application (its route table, from which the
//! application is built) needs a login unless it is on the public allow-list, and every
//! non-GET route refuses a request without a valid CSRF token (403) and changes nothing.
//! No route can be registered beside the table.

mod common;

use common::{TestDb, add_user_as, client, log_in_as, spawn_app};
use reqwest::StatusCode;
use tasi::adapters::importers::landings::synthetic;
use tasi::application::access::NewGrants;

/// Routes served without a login: (method, path pattern).
const PUBLIC: [(&str, &str); 5] = [
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/healthz"),
    ("GET", "/set-password/{token}"),
    ("POST", "/set-password/{token}"),
];

/// Every route of the application, from the route table it is built from:
/// (method, path pattern).
fn inventory() -> Vec<(String, String)> {
    tasi::startup::web::endpoints()
        .iter()
        .map(|e| (e.method.to_string(), e.path.to_string()))
        .collect()
}

/// A concrete URL for a pattern: path parameters become a random UUID.
fn concrete(path: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                id.as_str()
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[actix_web::test]
async fn every_route_needs_a_login_and_every_post_a_csrf_token() {
    let routes = inventory();
    assert!(
        routes.len() >= 12,
        "the inventory found the routes: {routes:?}"
    );
    assert!(routes.contains(&("POST".into(), "/landings/{id}/review".into())));
    let mut public: Vec<(String, String)> = tasi::startup::web::endpoints()
        .iter()
        .filter(|e| e.access == tasi::adapters::http::shared::routes::Access::Public)
        .map(|e| (e.method.to_string(), e.path.to_string()))
        .collect();
    let mut expected: Vec<(String, String)> = PUBLIC
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    public.sort();
    expected.sort();
    assert_eq!(
        public, expected,
        "the public routes are exactly the allow-list: a new one is decided here"
    );

    let db = TestDb::new();
    let dir = common::Scratch::new();
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap_or_default();
    synthetic::write(&dir.0, 30, end).unwrap_or_else(|e| panic!("{e}"));
    common::import_dir(&db, &dir.0, synthetic::SOURCE).unwrap_or_else(|e| panic!("{e}"));
    add_user_as(
        &db,
        "admin@tasi.tl",
        "a long enough passphrase",
        &NewGrants::AdminEverywhere,
    );
    let base = spawn_app(&db);

    // Without a login.
    let anonymous = client();
    for (method, path) in &routes {
        if PUBLIC.iter().any(|(m, p)| m == method && p == path) {
            continue;
        }
        let url = format!("{base}{}", concrete(path));
        let r = if method == "GET" {
            anonymous.get(&url).send().await
        } else {
            anonymous.post(&url).form(&[("x", "y")]).send().await
        }
        .unwrap_or_else(|e| panic!("{e}"));
        if method == "GET" {
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{method} {path}");
            let loc = r
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            assert!(loc.starts_with("/login"), "{method} {path} → {loc}");
        } else {
            // A POST without a session has no token either: refused before any handler.
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {path}");
        }
    }

    // Logged in as an admin (allowed everything), but without the token.
    let admin = client();
    let r = log_in_as(&admin, &base, "admin@tasi.tl", "a long enough passphrase").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let snapshot = |db: &TestDb| {
        [
            "SELECT count(*) AS n FROM access.users",
            "SELECT count(*) AS n FROM access.grants",
            "SELECT count(*) AS n FROM access.sessions",
            "SELECT count(*) AS n FROM landings.reviews",
            "SELECT count(*) AS n FROM landings.surveyed_landings WHERE review_status IS NOT NULL",
            "SELECT count(*) AS n FROM access.users WHERE disabled",
        ]
        .map(|q| db.count(q))
    };
    let before = snapshot(&db);
    for (method, path) in routes.iter().filter(|(m, _)| m != "GET") {
        let url = format!("{base}{}", concrete(path));
        let r = admin
            .post(&url)
            .form(&[
                ("decision", "reject"),
                ("reason", "no token"),
                ("email", "x@y.tl"),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "{method} {path} without a token"
        );
        let r = admin
            .post(&url)
            .form(&[
                ("csrf_token", "forged"),
                ("decision", "reject"),
                ("reason", "forged"),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "{method} {path} with a forged token"
        );
    }
    assert_eq!(snapshot(&db), before, "refused requests changed nothing");
    // Still logged in: the refusals did not end the session.
    let r = admin
        .get(format!("{base}/flags"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_route_is_registered_beside_the_route_table() {
    // The application registers routes only through `Endpoint::register`, for every entry of
    // the table (and serves `/static/` files): any other way of adding a route to actix
    // would bypass the table this inventory reads.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let allowed = ["src/adapters/http/shared/routes.rs", "src/startup/web.rs"];
    let mut found = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if allowed.contains(&rel.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for needle in [
            ".route(",
            "web::scope(",
            "web::resource(",
            ".service(",
            "Resource::new(",
        ] {
            if text.contains(needle) {
                found.push(format!("{rel}: {needle}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "routes registered outside the table: {found:#?}"
    );
}
