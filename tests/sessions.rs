//! Sessions survive a restart and are shared by every `tasi serve` process of a database:
//! the key that signs session cookies comes from `TASI_SESSION_KEY`. Black-box: real
//! `tasi serve` processes.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{Scratch, TestDb, add_user_as, client, get, log_in_as};
use reqwest::StatusCode;
use tasi::adapters::importers::landings::synthetic;
use tasi::application::access::NewGrants;

const PASSWORD: &str = "a long enough passphrase";

/// A `tasi serve` process, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `tasi serve` on a free port of `db` with `key` (none: unset); its base URL once it
/// says it serves.
fn serve(db: &TestDb, key: Option<&str>) -> Server {
    let log = std::env::temp_dir().join(format!("tasi-serve-{}.log", uuid::Uuid::new_v4()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tasi"));
    cmd.arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("TASI_BIND", "127.0.0.1:0")
        .env("TASI_SECURE_COOKIES", "false")
        .env("RUST_LOG", "warn")
        .env_remove("TASI_SESSION_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(
            std::fs::File::create(&log).unwrap_or_else(|e| panic!("{e}")),
        ));
    if let Some(k) = key {
        cmd.env("TASI_SESSION_KEY", k);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .unwrap_or_else(|| {
                panic!(
                    "tasi serve ended before serving: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            })
            .unwrap_or_else(|e| panic!("{e}"));
        if let Some(rest) = line.strip_prefix("tasi is serving on ") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    // Its later lines are not needed: the file goes (the process keeps writing to nothing).
    let _ = std::fs::remove_file(&log);
    Server { child, base }
}

fn key(byte: &str) -> String {
    byte.repeat(64)
}

#[actix_web::test]
async fn two_serve_processes_share_sessions_and_a_restart_keeps_them() {
    let db = TestDb::new();
    let dir = Scratch::new();
    let end = chrono::NaiveDate::from_ymd_opt(2020, 8, 31).unwrap_or_default();
    synthetic::write(&dir.0, 30, end).unwrap_or_else(|e| panic!("{e}"));
    common::import_dir(&db, &dir.0, synthetic::SOURCE).unwrap_or_else(|e| panic!("{e}"));
    add_user_as(&db, "viewer@tasi.tl", PASSWORD, &NewGrants::AdminEverywhere);

    let the_key = key("5a");
    let a = serve(&db, Some(&the_key));
    let b = serve(&db, Some(&the_key));
    assert_ne!(a.base, b.base);

    // The data are synthetic: `tasi serve` says so on every page, the login page first.
    let (_, login) = get(&client(), &format!("{}/login", a.base)).await;
    assert!(login.contains("Synthetic data"), "{login}");

    // Logged in on A, the same cookie is a session on B (cookies do not depend on the port).
    let c = client();
    let r = log_in_as(&c, &a.base, "viewer@tasi.tl", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        get(&c, &format!("{}/flags", a.base)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        get(&c, &format!("{}/flags", b.base)).await.0,
        StatusCode::OK,
        "process B serves the session process A opened"
    );

    // A restart of A with the same key keeps the session.
    drop(a);
    let a2 = serve(&db, Some(&the_key));
    assert_eq!(
        get(&c, &format!("{}/flags", a2.base)).await.0,
        StatusCode::OK,
        "a restart logs nobody out"
    );

    // A process with another key does not accept the cookie: back to the login form.
    let other = serve(&db, Some(&key("c3")));
    assert_eq!(
        get(&c, &format!("{}/flags", other.base)).await.0,
        StatusCode::SEE_OTHER
    );
}

#[test]
fn serve_refuses_to_start_without_a_session_key() {
    let db = TestDb::new();
    for (key, says) in [
        (None, "TASI_SESSION_KEY is not set"),
        (Some("abc"), "must be 128 hex characters"),
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tasi"));
        cmd.arg("serve")
            .env("DATABASE_URL", &db.url)
            .env("TASI_BIND", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .env_remove("TASI_SESSION_KEY");
        if let Some(k) = key {
            cmd.env("TASI_SESSION_KEY", k);
        }
        let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "serve started without a valid key");
        assert!(stderr.contains(says), "{stderr}");
    }
}

#[test]
fn demo_stops_and_names_a_data_directory_that_is_not_there() {
    let db = TestDb::new();
    let out = Command::new(env!("CARGO_BIN_EXE_tasi"))
        .args(["demo", "--data", "/nowhere/peskaas"])
        .env("DATABASE_URL", &db.url)
        .env("TASI_BIND", "127.0.0.1:0")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("/nowhere/peskaas") && stderr.contains("--synthetic"),
        "{stderr}"
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.surveyed_landings"),
        0,
        "nothing was imported, synthetic or not"
    );
}
