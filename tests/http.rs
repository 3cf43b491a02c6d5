//! Black-box tests through HTTP: a real server on a free port, a real database with the
//! real PeskAAS data, a cookie-keeping client.

mod common;

use common::{Scratch, TestDb, client, csrf_of, get, peskaas_dir, spawn_app, spawn_app_with};
use reqwest::{Client, StatusCode};
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::adapters::importers::landings::synthetic;
use tasi::application::access::NewGrants;

const EMAIL: &str = "officer@fisheries.tl";
const PASSWORD: &str = "correct horse battery staple";

/// Adds the test user as an admin of every country (sees and may do everything).
fn add_officer(db: &TestDb) {
    common::add_user_as(db, EMAIL, PASSWORD, &NewGrants::AdminEverywhere);
}

/// A country to grant on, for tests that need no real data: a tiny synthetic set.
fn small_country(db: &TestDb) {
    let dir = synthetic_set(5, |_| ());
    common::import_dir(db, &dir.0, synthetic::SOURCE).unwrap_or_else(|e| panic!("{e}"));
}

async fn log_in(c: &Client, base: &str, password: &str) -> reqwest::Response {
    let (_, page) = get(c, &format!("{base}/login")).await;
    let token = csrf_of(&page);
    c.post(format!("{base}/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", EMAIL),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A synthetic set of `landings` in a scratch directory, changed by `damage`.
fn synthetic_set(landings: usize, damage: impl FnOnce(&std::path::Path)) -> Scratch {
    let dir = Scratch::new();
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap_or_default();
    synthetic::write(&dir.0, landings, end).unwrap_or_else(|e| panic!("{e}"));
    damage(&dir.0);
    dir
}

fn app_with_data() -> (TestDb, ()) {
    let db = TestDb::new();
    common::import_dir(&db, &peskaas_dir(), SOURCE).unwrap_or_else(|e| panic!("{e}"));
    add_officer(&db);
    (db, ())
}

#[actix_web::test]
async fn a_request_without_login_is_redirected_to_the_login_page() {
    let db = TestDb::new();
    let base = spawn_app(&db);
    let c = client();
    for path in [
        "/",
        "/landings",
        "/landings/summary.csv",
        "/flags",
        "/imports",
        "/nowhere",
    ] {
        let r = c
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        let loc = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(loc.starts_with("/login?next="), "{path} → {loc}");
    }
    let (status, body) = get(&c, &format!("{base}/healthz")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let (status, body) = get(&c, &format!("{base}/login")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("name=\"csrf_token\""));
}

#[actix_web::test]
async fn an_officer_logs_in_and_reads_the_dashboard_the_list_a_landing_and_the_summary_csv() {
    let (db, _) = app_with_data();
    let base = spawn_app(&db);
    let c = client();

    let r = log_in(&c, &base, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/")
    );

    let (status, dash) = get(&c, &format!("{base}/")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        dash.contains("2019-09 to 2020-08"),
        "window of the 12 months up to the latest data"
    );
    assert!(dash.contains("Landings surveyed") && dash.contains("CPUE"));
    // A sum of surveyed landings is never called "catch" or "value" alone (it is not the
    // whole fleet's): every such word of the page's text follows "surveyed".
    let mut shown = String::new();
    let mut in_tag = false;
    for ch in dash.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                shown.push(' ');
            }
            c if !in_tag => shown.push(c),
            _ => {}
        }
    }
    let words: Vec<String> = shown
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    for (i, w) in words.iter().enumerate() {
        if w == "catch" || w == "value" {
            assert_eq!(
                i.checked_sub(1).map(|j| words[j].as_str()),
                Some("surveyed"),
                "`{w}` alone, after: {:?}",
                &words[i.saturating_sub(5)..i]
            );
        }
    }
    assert!(shown.contains("Surveyed catch") && shown.contains("Surveyed value"));
    assert_eq!(dash.matches("<svg").count(), 3, "chart, species, map");
    assert!(dash.contains("Atauro") && dash.contains("Others"));

    let (status, atauro) = get(&c, &format!("{base}/?municipality=Atauro")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(atauro.contains("<h1>Atauro</h1>"));
    let (status, _) = get(&c, &format!("{base}/?municipality=Atlantis")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, list) = get(
        &c,
        &format!("{base}/landings?municipality=Atauro&boat=2&from=2018-01-01&to=2018-01-31"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let expected = db.count(
        "SELECT count(*) AS n FROM landings.surveyed_landings WHERE municipality = 'Atauro' AND boat_code = 2
         AND landing_date BETWEEN '2018-01-01' AND '2018-01-31'",
    );
    assert!(expected > 0);
    assert!(
        list.contains(&format!("{} landings", expected)),
        "count shown"
    );
    let href = list
        .split("href=\"/landings/")
        .filter_map(|s| s.split('"').next())
        .find(|id| uuid::Uuid::parse_str(id).is_ok())
        .unwrap_or_else(|| panic!("no landing link"))
        .to_string();
    let (status, landing) = get(&c, &format!("{base}/landings/{href}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(landing.contains("Catch lines") && landing.contains("Timor-Leste/Atauro/Station"));
    assert!(
        landing.contains("\">the peskaas import of ") && landing.contains(" by test</a>"),
        "the import by its source, date and author, not its id"
    );

    let (status, flagged) = get(
        &c,
        &format!("{base}/landings?flag=date.before_survey_start"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(flagged.contains("1 landings") && flagged.contains("42920284"));

    let (status, _) = get(
        &c,
        &format!("{base}/landings/00000000-0000-0000-0000-000000000000"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&c, &format!("{base}/landings/not-an-id")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let r = c
        .get(format!("{base}/landings/summary.csv"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let csv = r.text().await.unwrap_or_default();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "scope,municipality,boat_type,month,landings,fishing_days,effort_fisher_hours,catch_kg,cpue"
    );
    assert_eq!(lines.len(), 1 + 48 + 280 + 96);
    assert!(
        lines[1] == "national,,,2016-09,60,5,254.70,180.8423,0.710021",
        "{}",
        lines[1]
    );
    let canoe = lines
        .iter()
        .filter(|l| l.starts_with("boat_type,,canoe,"))
        .count();
    let motor = lines
        .iter()
        .filter(|l| l.starts_with("boat_type,,motor,"))
        .count();
    assert_eq!((canoe, motor), (48, 48));
    let landings_sum: i64 = lines[1..]
        .iter()
        .filter(|l| l.starts_with("national,"))
        .filter_map(|l| l.split(',').nth(4)?.parse::<i64>().ok())
        .sum();
    assert_eq!(landings_sum, 21_249);

    let (status, national) = get(&c, &format!("{base}/landings/summary.csv?scope=national")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(national.lines().count(), 1 + 48);
    let (status, _) = get(&c, &format!("{base}/landings/summary.csv?scope=galaxy")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    for page in ["/landings/summary?scope=municipality", "/flags", "/imports"] {
        let (status, body) = get(&c, &format!("{base}{page}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(body.contains(EMAIL), "{page} shows who is logged in");
    }
}

#[actix_web::test]
async fn a_post_without_its_csrf_token_is_forbidden_and_changes_nothing() {
    let db = TestDb::new();
    small_country(&db);
    add_officer(&db);
    let base = spawn_app(&db);
    let c = client();
    assert_eq!(
        log_in(&c, &base, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    let r = c
        .post(format!("{base}/logout"))
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(format!("{base}/logout"))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Still logged in.
    let (status, page) = get(&c, &format!("{base}/flags")).await;
    assert_eq!(status, StatusCode::OK);

    // With the token, logout works and ends the session.
    let token = csrf_of(&page);
    let r = c
        .post(format!("{base}/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c
        .get(format!("{base}/flags"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        db.count("SELECT count(*) AS n FROM access.sessions WHERE user_id IS NOT NULL"),
        0
    );

    // A login form posted without its token is refused too.
    let r = client()
        .post(format!("{base}/login"))
        .form(&[("email", EMAIL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn a_wrong_password_gets_one_generic_message_and_no_session() {
    let db = TestDb::new();
    small_country(&db);
    add_officer(&db);
    let base = spawn_app(&db);
    let c = client();
    let r = log_in(&c, &base, "not the password at all").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body = r.text().await.unwrap_or_default();
    assert!(body.contains("The e-mail or password is not right."));
    let r = c
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn pages_carry_the_security_headers() {
    let db = TestDb::new();
    let base = spawn_app(&db);
    let r = client()
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let h = r.headers();
    let csp = h
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("object-src 'none'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(
        h.get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    // A visitor gets no session, only the signed cookie of the login form's token.
    let cookie = h
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        cookie.starts_with("tasi_csrf=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[actix_web::test]
async fn synthetic_demo_data_is_labelled_synthetic_on_every_page() {
    let db = TestDb::new();
    let dir = synthetic_set(300, |_| ());
    common::import_dir(&db, &dir.0, synthetic::SOURCE).unwrap_or_else(|e| panic!("{e}"));
    add_officer(&db);
    let base = spawn_app_with(&db, true);
    let c = client();
    let (_, login) = get(&c, &format!("{base}/login")).await;
    assert!(login.contains("Synthetic data"));
    assert_eq!(
        log_in(&c, &base, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    for page in ["/", "/landings", "/landings/summary", "/flags", "/imports"] {
        let (status, body) = get(&c, &format!("{base}{page}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            body.contains("Synthetic data: these figures were generated by tasi"),
            "{page}"
        );
    }
    let (_, dash) = get(&c, &format!("{base}/")).await;
    assert!(
        dash.contains("Beacon Coast"),
        "the synthetic municipalities are shown"
    );
}

#[actix_web::test]
async fn an_import_page_lists_its_rejected_rows_with_file_line_and_reason() {
    let db = TestDb::new();
    let dir = synthetic_set(30, |dir| {
        let catches = dir.join("catches.csv");
        let text = std::fs::read_to_string(&catches).unwrap_or_default()
            + "424242,1,20,3,<b>oops</b>,sale,0,\n";
        std::fs::write(&catches, text).unwrap_or_else(|e| panic!("{e}"));
    });
    let report = common::import_dir(&db, &dir.0, SOURCE).unwrap_or_else(|e| panic!("{e}"));
    add_officer(&db);
    let base = spawn_app(&db);
    let c = client();
    assert_eq!(
        log_in(&c, &base, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, page) = get(&c, &format!("{base}/imports/{}", report.import_id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("catches.csv")
            && page.contains("no landing with trip_id 424242 in trips.csv"),
        "{page}"
    );
    assert!(
        !page.contains("<b>oops</b>"),
        "the raw row is shown escaped"
    );
    let (status, _) = get(&c, &format!("{base}/imports/{}", uuid::Uuid::new_v4())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_nul_character_in_a_filter_or_a_form_is_refused_with_400() {
    let db = TestDb::new();
    small_country(&db);
    add_officer(&db);
    let base = spawn_app(&db);
    let c = client();
    assert_eq!(
        log_in(&c, &base, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    for q in ["municipality=%00", "flag=a%00", "site=a%00b"] {
        let (status, _) = get(&c, &format!("{base}/landings?{q}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}");
    }
    let (_, page) = get(&c, &format!("{base}/flags")).await;
    let r = c
        .post(format!("{base}/logout"))
        .form(&[("csrf_token", csrf_of(&page).as_str()), ("x", "a\0b")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (status, _) = get(&c, &format!("{base}/flags")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "still logged in: the logout was refused"
    );
}

/// The trip ids of a list page's rows, in order.
fn listed_ids(page: &str) -> Vec<i64> {
    page.split("<td><a href=\"/landings/")
        .skip(1)
        .filter_map(|s| s.split_once("\">")?.1.split('<').next()?.parse().ok())
        .collect()
}

/// The value of the page link parameter `name` (`after`, `before`) on a list page.
fn link_param(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("{name}="))?;
    let rest = &page[at + name.len() + 1..];
    Some(rest.split('"').next()?.to_string())
}

#[actix_web::test]
async fn lists_page_forward_and_back_by_position_at_any_depth() {
    let (db, _) = app_with_data();
    let base = spawn_app(&db);
    let c = client();
    log_in(&c, &base, PASSWORD).await;

    // The list's order, read directly.
    #[derive(diesel::QueryableByName)]
    struct R {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        source_id: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        position: String,
    }
    use diesel::RunQueryDsl;
    let mut owner = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    let order: Vec<R> = diesel::sql_query(
        "SELECT source_id, coalesce(landing_date::text, '-') || '_' || source_id || '_' || id AS position
         FROM landings.surveyed_landings
         ORDER BY coalesce(landing_date, DATE '0001-01-01') DESC, source_id DESC, id DESC",
    )
    .load(&mut owner)
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(order.len(), 27_681);
    let ids = |from: usize, to: usize| -> Vec<i64> {
        order[from..to.min(order.len())]
            .iter()
            .map(|r| r.source_id)
            .collect()
    };

    let (status, first) = get(&c, &format!("{base}/landings")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        first.contains("27,681 landings."),
        "unfiltered, the exact count of the read model"
    );
    let (_, wide) = get(&c, &format!("{base}/landings?from=2000-01-01")).await;
    assert!(
        wide.contains("more than 10,000 landings."),
        "filtered, a capped count"
    );
    assert_eq!(listed_ids(&first), ids(0, 50));
    assert!(link_param(&first, "before").is_none(), "no previous page");

    // Three pages on, then one back.
    let mut page = first;
    for _ in 0..3 {
        let after = link_param(&page, "after").unwrap_or_else(|| panic!("a next page"));
        page = get(&c, &format!("{base}/landings?after={after}")).await.1;
    }
    assert_eq!(listed_ids(&page), ids(150, 200));
    let before = link_param(&page, "before").unwrap_or_else(|| panic!("a previous page"));
    let back = get(&c, &format!("{base}/landings?before={before}")).await.1;
    assert_eq!(listed_ids(&back), ids(100, 150));

    // Deep in the list, and its very end.
    let deep = get(
        &c,
        &format!("{base}/landings?after={}", order[27_000].position),
    )
    .await
    .1;
    assert_eq!(listed_ids(&deep), ids(27_001, 27_051));
    let last = get(
        &c,
        &format!("{base}/landings?after={}", order[27_650].position),
    )
    .await
    .1;
    assert_eq!(listed_ids(&last), ids(27_651, 27_681));
    assert!(
        link_param(&last, "after").is_none(),
        "no next page after the last"
    );

    // A filtered list keeps its filter in its links and counts exactly under the cap.
    let atauro = get(&c, &format!("{base}/landings?municipality=Atauro"))
        .await
        .1;
    let n = db.count(
        "SELECT count(*) AS n FROM landings.surveyed_landings WHERE municipality = 'Atauro'",
    );
    assert!(n > 50 && n <= 10_000, "{n}");
    assert!(atauro.contains(&format!(
        "{} landings.",
        tasi::adapters::http::shared::views::int(n)
    )));
    assert!(atauro.contains("municipality=Atauro&amp;after="));

    // A position that does not read is the first page, not an error.
    let (status, odd) = get(&c, &format!("{base}/landings?after=yesterday")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed_ids(&odd), ids(0, 50));
}
