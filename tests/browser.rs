//! The pages in a real browser: Debian's `chromium` driven through `chromedriver`
//! (WebDriver, with fantoccini), as an officer on a phone sees them. `.ci/run` installs both
//! (`apt-get install chromium chromium-driver`); without them this test fails and says so.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{TestDb, add_user_as, spawn_state};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::application::access::NewGrants;
use tasi::domain::access::Role;
use tasi::domain::shared::JurisdictionPath;

const ADMIN: &str = "admin@tasi.tl";
const PASSWORD: &str = "a long enough passphrase";
/// The narrowest phone the pages are made for (CSS pixels).
const PHONE_WIDTH: u32 = 360;

/// `chromedriver` on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("a free port: {e}"));
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "chromedriver could not start ({e}): \
                     apt-get install chromium chromium-driver (README, Tests)"
                )
            });
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium emulating a phone `PHONE_WIDTH` pixels wide.
async fn phone(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--disable-dev-shm-usage"],
            "mobileEmulation": {
                "deviceMetrics": { "width": PHONE_WIDTH, "height": 780, "pixelRatio": 2.0 }
            }
        }),
    );
    let mut last = None;
    // chromedriver takes a moment to listen.
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&driver.url)
            .await
        {
            Ok(c) => return c,
            Err(e) => last = Some(e.to_string()),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no browser session: {last:?}");
}

/// The shape of a path: ids and numbers replaced, so that one landing (one trip, one
/// import …) stands for all.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            let looks_like_id = seg.len() >= 8
                && seg.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
                || (!seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()));
            if looks_like_id { "{id}" } else { seg }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Paths the crawl does not open: leaving (logout), and files rather than pages.
fn skipped(href: &str) -> bool {
    let path = href.split(['?', '#']).next().unwrap_or_default();
    path.starts_with("/logout")
        || path.starts_with("/static/")
        || path.ends_with(".csv")
        || path.ends_with(".geojson")
        || path.ends_with(".json")
}

#[actix_web::test]
async fn every_page_fits_a_phone_without_sideways_scrolling() {
    let db = TestDb::new();
    let sample = common::peskaas_sample(40);
    common::import_dir(&db, &sample.0, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    // A few hundred tracked trips, so that the tracking pages have trips and vessels.
    let tracks = common::Scratch::new();
    let mut reader = csv::Reader::from_path(common::peskaas_dir().join("tracked_trips.csv"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut writer = csv::Writer::from_path(tracks.0.join("tracked_trips.csv"))
        .unwrap_or_else(|e| panic!("{e}"));
    writer
        .write_record(reader.headers().unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
    for r in reader.records().step_by(60) {
        writer
            .write_record(&r.unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    writer.flush().unwrap_or_else(|e| panic!("{e}"));
    drop(writer);
    common::import_tracks(&db, &tracks.0).unwrap_or_else(|e| panic!("{e}"));
    // The fleet census, so that the estimates page has its charts and tables.
    let census = tasi::adapters::importers::estimation::fleet_census::PeskaasFleetCensus(
        db.platform().uow().clone(),
    );
    tasi::application::ingestion::ports::Importer::import(
        &census,
        &tasi::application::shared::Caller::system("test"),
        &common::peskaas_dir(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let root = JurisdictionPath::parse("Timor-Leste").unwrap_or_else(|e| panic!("{e}"));
    add_user_as(&db, ADMIN, PASSWORD, &NewGrants::On(Role::Admin, root));
    let base = spawn_state(db.state(false));

    let driver = Driver::start();
    let browser = phone(&driver).await;
    let outcome = crawl(&browser, &base).await;
    let _ = browser.close().await;
    let (visited, too_wide) = outcome;

    // The crawl reached the pages an admin opens from the navigation and beyond.
    for expected in [
        "/",
        "/landings",
        "/landings/{id}",
        "/landings/summary",
        "/flags",
        "/reviews",
        "/tracking",
        "/estimates",
        "/imports",
        "/imports/{id}",
        "/tracking/trips/{id}",
        "/tracking/vessels/{id}",
        "/account",
        "/admin/users",
        "/admin/users/{id}",
        "/admin/audit",
    ] {
        assert!(
            visited.contains(expected),
            "{expected} was not reached: {visited:#?}"
        );
    }
    assert!(
        too_wide.is_empty(),
        "pages wider than {PHONE_WIDTH} px (page: scroll width): {too_wide:#?}"
    );
}

/// Logs in as the admin, then opens every page reachable by links from the dashboard
/// (one page of each shape), measuring each. Returns the shapes visited and the pages whose
/// content is wider than the screen.
async fn crawl(b: &Client, base: &str) -> (BTreeSet<String>, BTreeMap<String, i64>) {
    b.goto(&format!("{base}/login"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let field = |name: &'static str| {
        Locator::Css(match name {
            "email" => "input[name=email]",
            _ => "input[name=password]",
        })
    };
    b.find(field("email"))
        .await
        .and_then_ok()
        .send_keys(ADMIN)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    b.find(field("password"))
        .await
        .and_then_ok()
        .send_keys(PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    b.find(Locator::Css("form button[type=submit]"))
        .await
        .and_then_ok()
        .click()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The form posts and the browser follows the redirect to the dashboard.
    let mut landed = String::new();
    for _ in 0..50 {
        landed = b
            .current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default();
        if landed != "/login" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = b.source().await.unwrap_or_default();
    assert_eq!(landed, "/", "logged in, on the dashboard: {page}");

    let mut queue = VecDeque::from([String::from("/")]);
    let mut shapes = BTreeSet::new();
    let mut too_wide = BTreeMap::new();
    while let Some(path) = queue.pop_front() {
        let bare = path.split('?').next().unwrap_or_default();
        if shapes.len() >= 60 || !shapes.insert(shape(bare)) {
            continue;
        }
        b.goto(&format!("{base}{path}"))
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let measured = b
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth,
                         Array.from(document.querySelectorAll('a[href]'))
                              .map(a => a.getAttribute('href'))];",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        // A page wider than the phone either scrolls sideways (scroll width) or, on a
        // phone, makes the browser zoom out to fit it (a wider layout viewport).
        let scroll = measured[0].as_i64().unwrap_or(i64::MAX);
        let inner = measured[1].as_i64().unwrap_or(i64::MAX);
        let width = scroll.max(inner);
        if width > i64::from(PHONE_WIDTH) {
            too_wide.insert(path.clone(), width);
        }
        for href in measured[2]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if href.starts_with('/') && !href.starts_with("//") && !skipped(href) {
                let href = href.split('#').next().unwrap_or_default().to_string();
                if !shapes.contains(&shape(href.split('?').next().unwrap_or_default())) {
                    queue.push_back(href);
                }
            }
        }
    }
    (shapes, too_wide)
}

/// `Result::unwrap_or_else(panic)` for the elements found, readable in a chain.
trait Found {
    fn and_then_ok(self) -> fantoccini::elements::Element;
}

impl Found for Result<fantoccini::elements::Element, fantoccini::error::CmdError> {
    fn and_then_ok(self) -> fantoccini::elements::Element {
        self.unwrap_or_else(|e| panic!("{e}"))
    }
}
