//! The route inventory: every route of the HTTP adapter (found in its source) needs a login
//! unless it is on the public allow-list, and every non-GET route refuses a request without
//! a valid CSRF token (403) and changes nothing.

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

/// Every `.route("PATH", web::METHOD()` in src/adapters/http/*.rs: (method, path).
fn inventory() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/adapters/http");
    let mut routes = Vec::new();
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for piece in text.split(".route(").skip(1) {
            let Some(path) = piece
                .trim_start()
                .strip_prefix('"')
                .and_then(|p| p.split('"').next())
            else {
                continue;
            };
            let method = ["get", "post", "put", "patch", "delete"]
                .into_iter()
                .find(|m| piece.contains(&format!("web::{m}()")))
                .unwrap_or("get");
            routes.push((method.to_uppercase(), path.to_string()));
        }
    }
    routes
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
