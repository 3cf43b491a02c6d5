//! Reviews of flagged landings through HTTP on the real data: accept, correct and reject
//! change the summaries as expected; the reported values and the history are kept.

mod common;

use common::{TestDb, add_user_as, client, csrf_of, get, log_in_as, peskaas_dir, spawn_app};
use diesel::RunQueryDsl;
use reqwest::{Client, StatusCode};
use tasi::adapters::importers::landings::peskaas::SOURCE;
use tasi::application::access::NewGrants;
use tasi::domain::access::Role;
use tasi::domain::shared::JurisdictionPath;

const PASSWORD: &str = "a long enough passphrase";

#[derive(diesel::QueryableByName)]
struct Landing {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: uuid::Uuid,
    #[diesel(sql_type = diesel::sql_types::Date)]
    month: chrono::NaiveDate,
}

fn one(db: &TestDb, sql: &str) -> Landing {
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(sql)
        .get_result::<Landing>(&mut c)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// National landings and effort of the landing's month, from the summary read model.
fn national(db: &TestDb, month: chrono::NaiveDate) -> (i64, i64) {
    let q = |col: &str| {
        db.count(&format!(
            "SELECT coalesce(sum({col}), 0)::int8 AS n FROM landings.monthly_summaries
             WHERE scope = 'national' AND month = date_trunc('month', '{month}'::date)::date"
        ))
    };
    (q("landings"), q("round(effort_fisher_hours * 100)"))
}

/// Logs in as `email`; the session's CSRF token for the forms that follow.
async fn log_in(c: &Client, base: &str, email: &str) -> String {
    let r = log_in_as(c, base, email, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    csrf_of(&get(c, &format!("{base}/flags")).await.1)
}

async fn review(
    c: &Client,
    base: &str,
    token: &str,
    id: uuid::Uuid,
    fields: &[(&str, &str)],
) -> StatusCode {
    let mut form = vec![("csrf_token", token)];
    form.extend_from_slice(fields);
    c.post(format!("{base}/landings/{id}/review"))
        .form(&form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .status()
}

#[actix_web::test]
async fn accept_correct_and_reject_change_the_summaries_and_keep_the_history() {
    let db = TestDb::new();
    common::import_dir(&db, &peskaas_dir(), SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let atauro = JurisdictionPath::parse("Timor-Leste/Atauro").unwrap_or_else(|e| panic!("{e}"));
    add_user_as(
        &db,
        "officer@atauro.tl",
        PASSWORD,
        &NewGrants::On(Role::Officer, atauro.clone()),
    );
    add_user_as(
        &db,
        "viewer@atauro.tl",
        PASSWORD,
        &NewGrants::On(Role::Viewer, atauro),
    );
    let base = spawn_app(&db);
    let c = client();
    let token = log_in(&c, &base, "officer@atauro.tl").await;

    // The queue lists flagged, unreviewed Atauro landings only.
    let queue = c
        .get(format!("{base}/reviews"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    let waiting = db.count(
        "SELECT count(*) AS n FROM landings.surveyed_landings
         WHERE site_path LIKE 'Timor-Leste/Atauro/%' AND (error_count > 0 OR warning_count > 0)",
    );
    assert!(
        queue.contains(&format!(
            "{} flagged landings",
            tasi::adapters::http::shared::views::int(waiting)
        )),
        "{waiting}"
    );

    // Accept: an Atauro canoe landing excluded only by a source catch flag now counts.
    let accepted = one(
        &db,
        "SELECT s.id, date_trunc('month', s.landing_date)::date AS month FROM landings.surveyed_landings s
         WHERE s.municipality = 'Atauro' AND NOT s.counts_in_summaries AND s.boat_code = 1
           AND s.error_count = 1 AND s.effort_fisher_hours IS NOT NULL
           AND EXISTS (SELECT 1 FROM landings.quality_flags f WHERE f.landing_id = s.id AND f.code = 'catch_line.source_flag')
         ORDER BY s.source_id LIMIT 1",
    );
    let before = national(&db, accepted.month);
    assert_eq!(
        review(
            &c,
            &base,
            &token,
            accepted.id,
            &[
                ("decision", "accept"),
                ("reason", "lengths checked on the scale")
            ]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(national(&db, accepted.month).0, before.0 + 1);

    // Correct: a landing whose fisher-hours were capped at 144 gets 10.
    let corrected = one(
        &db,
        "SELECT s.id, date_trunc('month', s.landing_date)::date AS month FROM landings.surveyed_landings s
         WHERE s.municipality = 'Atauro' AND s.counts_in_summaries AND s.effort_fisher_hours = 144
         ORDER BY s.source_id LIMIT 1",
    );
    let before = national(&db, corrected.month);
    assert_eq!(
        review(
            &c,
            &base,
            &token,
            corrected.id,
            &[
                ("decision", "correct"),
                ("reason", "2 fishers, 5 hours"),
                ("fisher_hours", "10")
            ]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let after = national(&db, corrected.month);
    assert_eq!(after.0, before.0, "still counted");
    assert_eq!(
        after.1,
        before.1 - (144 - 10) * 100,
        "effort down by 134 fisher-hours"
    );

    // Reject: a counted landing leaves the summaries, and the dashboard (prepared once per
    // version of the read models) shows it at once. The landing is within the dashboard's
    // 12 months.
    let rejected = one(
        &db,
        "SELECT s.id, date_trunc('month', s.landing_date)::date AS month FROM landings.surveyed_landings s
         WHERE s.municipality = 'Atauro' AND s.counts_in_summaries AND s.review_status IS NULL
           AND s.landing_date >= (SELECT max(landing_date) - 200 FROM landings.surveyed_landings
                                  WHERE municipality = 'Atauro' AND counts_in_summaries)
         ORDER BY s.source_id DESC LIMIT 1",
    );
    let before = national(&db, rejected.month);
    let surveyed = |page: &str| -> i64 {
        page.split("<div class=\"label\">Landings surveyed</div><div class=\"value\">")
            .nth(1)
            .and_then(|v| v.split(' ').next())
            .and_then(|v| v.replace(',', "").parse().ok())
            .unwrap_or_else(|| panic!("no landings figure"))
    };
    let dashboard = |c: &reqwest::Client| {
        let c = c.clone();
        let url = format!("{base}/");
        async move { get(&c, &url).await.1 }
    };
    let shown = surveyed(&dashboard(&c).await);
    assert_eq!(
        surveyed(&dashboard(&c).await),
        shown,
        "the same version, the same page"
    );
    assert_eq!(
        review(
            &c,
            &base,
            &token,
            rejected.id,
            &[
                ("decision", "reject"),
                ("reason", "a duplicate <b>interview</b>")
            ]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(national(&db, rejected.month).0, before.0 - 1);
    assert_eq!(
        surveyed(&dashboard(&c).await),
        shown - 1,
        "the dashboard follows the review"
    );

    // History: the corrected landing keeps its reported value and shows the change.
    let page = c
        .get(format!("{base}/landings/{}", corrected.id))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(page.contains("Reviewed: <strong>correct</strong>"));
    let title = page
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or_default();
    assert!(
        title.starts_with("Landing ") && !title.contains('<'),
        "a plain title: {title}"
    );
    assert_eq!(page.matches("<h2>Reviews</h2>").count(), 1);
    assert!(
        page.contains("fisher_hours:") && page.contains("→ 10"),
        "the change is shown"
    );
    assert_eq!(db.count(&format!("SELECT count(*) AS n FROM landings.surveyed_landings WHERE id = '{}' AND fisher_hours > 144", corrected.id)), 1, "the reported value is kept");
    // A second decision is added to the history; nothing is deleted.
    assert_eq!(
        review(
            &c,
            &base,
            &token,
            rejected.id,
            &[
                ("decision", "accept"),
                ("reason", "not a duplicate after all")
            ]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let page = c
        .get(format!("{base}/landings/{}", rejected.id))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        page.contains("a duplicate &#60;b&#62;interview&#60;/b&#62;")
            || page.contains("a duplicate &lt;b&gt;interview&lt;/b&gt;"),
        "reasons are shown escaped"
    );
    assert!(page.contains("not a duplicate after all"));
    assert_eq!(db.count("SELECT count(*) AS n FROM landings.reviews"), 4);
    assert_eq!(
        db.count("SELECT count(*) AS n FROM access.audit_log WHERE action = 'review'"),
        4
    );
    // Reviews are append-only.
    let mut conn = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        diesel::sql_query("DELETE FROM landings.reviews")
            .execute(&mut conn)
            .is_err()
    );

    // Refusals: no reason → 400 with the message; a Baucau landing → 404; a viewer → 403.
    assert_eq!(
        review(
            &c,
            &base,
            &token,
            accepted.id,
            &[("decision", "reject"), ("reason", " ")]
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    let baucau = one(
        &db,
        "SELECT id, date_trunc('month', landing_date)::date AS month FROM landings.surveyed_landings WHERE municipality = 'Baucau' LIMIT 1",
    );
    assert_eq!(
        review(
            &c,
            &base,
            &token,
            baucau.id,
            &[("decision", "reject"), ("reason", "not mine")]
        )
        .await,
        StatusCode::NOT_FOUND
    );
    let v = client();
    let vt = log_in(&v, &base, "viewer@atauro.tl").await;
    assert_eq!(
        review(
            &v,
            &base,
            &vt,
            accepted.id,
            &[("decision", "reject"), ("reason", "viewers may not")]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM landings.reviews"),
        4,
        "refused reviews write nothing"
    );
}

/// The `Location` of a redirect answer to `GET url`.
async fn redirect_of(c: &Client, url: &str) -> String {
    let r = c.get(url).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{url}");
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[actix_web::test]
async fn the_queue_filters_by_rule_municipality_and_month_and_opens_the_next_landing_after_a_decision()
 {
    let db = TestDb::new();
    common::import_dir(&db, &peskaas_dir(), SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let atauro = JurisdictionPath::parse("Timor-Leste/Atauro").unwrap_or_else(|e| panic!("{e}"));
    add_user_as(
        &db,
        "officer@atauro.tl",
        PASSWORD,
        &NewGrants::On(Role::Officer, atauro),
    );
    let base = spawn_app(&db);
    let c = client();
    let token = log_in(&c, &base, "officer@atauro.tl").await;

    // A rule and a month with a few Atauro landings waiting.
    #[derive(diesel::QueryableByName)]
    struct Pick {
        #[diesel(sql_type = diesel::sql_types::Text)]
        code: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        month: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let waiting =
        "FROM landings.surveyed_landings s JOIN landings.quality_flags f ON f.landing_id = s.id
         WHERE s.municipality = 'Atauro' AND s.review_status IS NULL
           AND (s.error_count > 0 OR s.warning_count > 0)";
    let pick: Pick = {
        use diesel::RunQueryDsl;
        let mut conn = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
        diesel::sql_query(format!(
            "SELECT f.code, to_char(s.landing_date, 'YYYY-MM') AS month,
                    count(DISTINCT s.id) AS n {waiting}
             GROUP BY 1, 2 HAVING count(DISTINCT s.id) BETWEEN 2 AND 4 ORDER BY 2, 1 LIMIT 1"
        ))
        .get_result(&mut conn)
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let query = format!(
        "rule={}&municipality=Atauro&month={}",
        pick.code, pick.month
    );
    let (status, queue) = get(&c, &format!("{base}/reviews?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        queue.contains(&format!("{} flagged landings", pick.n)),
        "{} waiting for {query}",
        pick.n
    );

    // Start: the first landing of the queue, opened from it; each decision opens the next,
    // and the last one leads back to the queue, finished.
    let mut at = redirect_of(&c, &format!("{base}/reviews/next?{query}")).await;
    let mut reviewed = Vec::new();
    loop {
        assert!(at.starts_with("/landings/"), "{at}");
        let (status, page) = get(&c, &format!("{base}{at}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Skip to the next in queue"));
        let id = at["/landings/".len()..]
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        let queue_field = page
            .split("name=\"queue\" value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or_else(|| panic!("the form keeps the queue"))
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        let r = c
            .post(format!("{base}/landings/{id}/review"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("decision", "accept"),
                ("reason", "checked with the enumerator"),
                ("queue", queue_field.as_str()),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let next = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(next.starts_with("/reviews/next?"), "{next}");
        reviewed.push(id);
        at = redirect_of(&c, &format!("{base}{next}")).await;
        if at.starts_with("/reviews?") {
            break;
        }
        assert!(
            reviewed.len() < 10,
            "the queue never ends: {reviewed:?} {at}"
        );
    }
    assert_eq!(
        reviewed.len() as i64,
        pick.n,
        "every landing of the queue, once"
    );
    assert!(at.ends_with("done=1"), "{at}");
    let (_, finished) = get(&c, &format!("{base}{at}")).await;
    assert!(finished.contains("No landing of this queue is waiting any more."));
    assert!(finished.contains("0 flagged landings"));
}
