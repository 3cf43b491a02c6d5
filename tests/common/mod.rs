//! Test support: a fresh PostgreSQL database per test, the real PeskAAS data, and a running
//! server on a free port.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use diesel::prelude::*;
use reqwest::{Client, StatusCode};
use tasi::adapters::importers::landings::importer::{PeskaasImportError, PeskaasLandings};
use tasi::adapters::importers::tracking::importer::{TrackImportError, TrackImports};
use tasi::adapters::persistence::access::users::DieselJurisdictionDirectory;
use tasi::adapters::persistence::shared::{self as persistence, PgPool};
use tasi::adapters::security::hasher::Argon2idHasher;
use tasi::adapters::security::password_strength::ZxcvbnStrength;
use tasi::application::access::{Credentials, NewGrants, NewUser, add_user};
use tasi::application::landings::import_landings::ImportReport;
use tasi::application::shared::Caller;
use tasi::application::tracking::import_trips::TripImportReport;
use tasi::domain::access::Email;
use tasi::startup::Platform;
use tasi::startup::web::{self, Transport, WebApp};
use uuid::Uuid;

/// The server under test: `postgres://postgres@127.0.0.1:5432` unless `TASI_TEST_SERVER`
/// names another (without a database name).
pub fn server_url() -> String {
    std::env::var("TASI_TEST_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Options of every test connection: no TLS and no GSSAPI on the local server. libpq frees
/// OpenSSL's and Kerberos's global state in `atexit` handlers; a worker thread of a test's
/// server still closing a TLS connection while the test binary exits crashed it ("double
/// free or corruption", SIGSEGV) about once in 25 runs under load.
pub const LOCAL_OPTIONS: &str = "sslmode=disable&gssencmode=disable";

/// A database created for one test and dropped when it ends.
pub struct TestDb {
    /// Its name.
    pub name: String,
    /// Its URL.
    pub url: String,
    /// A pool on it as the owner (migrations, imports, checks of what was written).
    pub pool: PgPool,
    /// A pool on it as the application role `tasi_app` (row-level security applies).
    pub app_pool: PgPool,
}

impl TestDb {
    /// Creates and migrates a fresh database.
    pub fn new() -> Self {
        let name = format!("tasi_test_{}", uuid::Uuid::new_v4().simple());
        let url = format!("{}/{name}?{LOCAL_OPTIONS}", server_url());
        persistence::migrate(&url).unwrap_or_else(|e| panic!("migrating {url}: {e:#}"));
        let pool = persistence::connect(&url, 8).unwrap_or_else(|e| panic!("pool: {e}"));
        let app_pool = persistence::connect(&persistence::app_url_from(&url), 8)
            .unwrap_or_else(|e| panic!("app pool: {e}"));
        TestDb {
            name,
            url,
            pool,
            app_pool,
        }
    }

    /// The platform on this database, as `tasi serve` builds it: the application role's
    /// pool and the owner's.
    pub fn platform(&self) -> Platform {
        Platform::new(Some(self.app_pool.clone()), Some(self.pool.clone()))
    }

    /// The web application on this database, wired as `tasi serve` wires it.
    pub fn state(&self, synthetic: bool) -> WebApp {
        WebApp::new(&self.platform(), synthetic).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs a query returning one bigint.
    pub fn count(&self, sql: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut c = self.pool.get().unwrap_or_else(|e| panic!("{e}"));
        diesel::sql_query(sql)
            .get_result::<N>(&mut c)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .n
    }

    /// Runs a query returning one double precision `v`.
    pub fn float(&self, sql: &str) -> f64 {
        #[derive(QueryableByName)]
        struct V {
            #[diesel(sql_type = diesel::sql_types::Double)]
            v: f64,
        }
        let mut c = self.pool.get().unwrap_or_else(|e| panic!("{e}"));
        diesel::sql_query(sql)
            .get_result::<V>(&mut c)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .v
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let admin = format!("{}/postgres?{LOCAL_OPTIONS}", server_url());
        if let Ok(mut c) = PgConnection::establish(&admin) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut c);
        }
    }
}

/// The real PeskAAS data set beside the project (`../shared/data/peskaas`).
pub fn peskaas_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/peskaas");
    assert!(
        dir.join("trips.csv").exists(),
        "the PeskAAS data set is expected at {}",
        dir.display()
    );
    dir
}

/// A small sample of the real PeskAAS data in a scratch directory: the real jurisdictions
/// and species, every `every`-th surveyed landing (so every municipality keeps some) with
/// its catch lines. For tests of access and administration, where what matters is the
/// jurisdiction tree and landings in more than one municipality, not the whole set.
pub fn peskaas_sample(every: usize) -> Scratch {
    let from = peskaas_dir();
    let dir = Scratch::new();
    for f in ["municipalities.geojson", "stations.csv", "species.csv"] {
        std::fs::copy(from.join(f), dir.0.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    let mut kept = std::collections::HashSet::new();
    let mut trips =
        csv::Reader::from_path(from.join("trips.csv")).unwrap_or_else(|e| panic!("{e}"));
    let mut out = csv::Writer::from_path(dir.0.join("trips.csv")).unwrap_or_else(|e| panic!("{e}"));
    out.write_record(trips.headers().unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
    for (i, r) in trips.records().enumerate() {
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        if i % every.max(1) == 0 {
            kept.insert(r.get(0).unwrap_or_default().to_string());
            out.write_record(&r).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    out.flush().unwrap_or_else(|e| panic!("{e}"));
    let mut catches =
        csv::Reader::from_path(from.join("catches.csv")).unwrap_or_else(|e| panic!("{e}"));
    let mut out =
        csv::Writer::from_path(dir.0.join("catches.csv")).unwrap_or_else(|e| panic!("{e}"));
    out.write_record(catches.headers().unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
    for r in catches.records() {
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        if kept.contains(r.get(0).unwrap_or_default()) {
            out.write_record(&r).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    out.flush().unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// A scratch directory removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new empty directory under the system's temporary directory.
    pub fn new() -> Self {
        let p = std::env::temp_dir().join(format!("tasi-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&p).unwrap_or_else(|e| panic!("{e}"));
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Adds a user with `grants` through the use case, as the command line does.
pub fn add_user_as(db: &TestDb, email: &str, password: &str, grants: &NewGrants) {
    let email = Email::parse(email).unwrap_or_else(|e| panic!("{e}"));
    let hasher = Argon2idHasher::new().unwrap_or_else(|e| panic!("{e}"));
    let platform = db.platform();
    add_user(
        platform.uow().as_ref(),
        &DieselJurisdictionDirectory::new(db.pool.clone()),
        Credentials {
            hasher: &hasher,
            strength: &ZxcvbnStrength,
        },
        &Caller::system("test"),
        &NewUser {
            email: &email,
            password,
            grants,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Imports the PeskAAS-format directory `dir` with its landings stored under `source`
/// (`peskaas`, `synthetic`), as the command line does, then lets the relay deliver what it
/// published (the read models are rebuilt).
pub fn import_dir(
    db: &TestDb,
    dir: &Path,
    source: &'static str,
) -> Result<ImportReport, PeskaasImportError> {
    let platform = db.platform();
    let report = PeskaasLandings::new(platform.uow().clone(), source)
        .import_dir(&Caller::system("test"), dir);
    platform.deliver();
    report
}

/// Imports `tracked_trips.csv` of the PeskAAS directory `dir`, then lets the relay deliver
/// what it published (the spatial-catch models are rebuilt).
pub fn import_tracks(db: &TestDb, dir: &Path) -> Result<TripImportReport, TrackImportError> {
    let platform = db.platform();
    let report =
        TrackImports::new(platform.uow().clone()).peskaas_tracks(&Caller::system("test"), dir);
    platform.deliver();
    report
}

/// Starts the application on a free port of 127.0.0.1; its base URL.
pub fn spawn_app(db: &TestDb) -> String {
    spawn_app_with(db, false)
}

/// Starts the application, telling it whether its data is the synthetic demo set.
pub fn spawn_app_with(db: &TestDb, synthetic: bool) -> String {
    spawn_state(db.state(synthetic))
}

/// Starts the application `app` (with a test clock, a tighter throttle …).
pub fn spawn_state(app: WebApp) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"))
        .port();
    let server = web::run(listener, app, Transport::local()).unwrap_or_else(|e| panic!("{e}"));
    actix_web::rt::spawn(server);
    format!("http://127.0.0.1:{port}")
}

/// A clock the test moves (the application's `Clock` port).
pub struct TestClock(std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

impl TestClock {
    /// A clock at the real now.
    pub fn new() -> Self {
        TestClock(std::sync::Mutex::new(chrono::Utc::now()))
    }

    /// Moves the clock forward by `d`.
    pub fn advance(&self, d: chrono::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += d;
        }
    }
}

impl tasi::application::shared::Clock for TestClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or_else(|_| chrono::Utc::now())
    }
}

/// An HTTP client that keeps cookies and does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// GETs `url`: its status and body.
pub async fn get(c: &reqwest::Client, url: &str) -> (reqwest::StatusCode, String) {
    let r = c
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = r.status();
    (status, r.text().await.unwrap_or_default())
}

/// The value of the first hidden `csrf_token` input of a page (empty when none).
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// Logs in through the login form (with its CSRF token); the response to the POST.
pub async fn log_in_as(
    c: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
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

/// The value of the first hidden input named `name` of a page.
pub fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// Posts `fields` to `url` with the CSRF token of the page at `page_url`.
pub async fn post(
    c: &Client,
    page_url: &str,
    url: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let (_, page) = get(c, page_url).await;
    let token = csrf_of(&page);
    let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    post_raw(c, url, &form).await
}

/// Posts exactly `form`; status, body and Location.
pub async fn post_raw(
    c: &Client,
    url: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let r = c
        .post(url)
        .form(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, r.text().await.unwrap_or_default(), location)
}

/// Runs the `tasi` binary with `args` against the test database: whether it succeeded,
/// its standard output and its standard error.
pub fn run_cli(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tasi"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

pub fn exec(db: &TestDb, sql: &str) {
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(sql)
        .execute(&mut c)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub fn text(db: &TestDb, sql: &str) -> String {
    #[derive(diesel::QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(sql)
        .get_result::<T>(&mut c)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .t
}

pub fn user_id(db: &TestDb, email: &str) -> Uuid {
    let id = text(
        db,
        &format!("SELECT id::text AS t FROM access.users WHERE email = '{email}'"),
    );
    Uuid::parse_str(&id).unwrap_or_else(|e| panic!("{e}"))
}

/// The token of the set-password link on a page.
pub fn link_token(html: &str) -> String {
    html.split("/set-password/")
        .nth(1)
        .map(|s| s.chars().take(64).collect::<String>())
        .filter(|t| t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("no set-password link in {html}"))
}

/// The count of `sql` once it reaches `expected`, or what it is after 10 s of asking every
/// 50 ms (for what the application writes after it answered, such as the audit entry of a
/// refused id).
pub async fn settled_count(db: &TestDb, sql: &str, expected: i64) -> i64 {
    let mut n = db.count(sql);
    for _ in 0..200 {
        if n == expected {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        n = db.count(sql);
    }
    n
}
