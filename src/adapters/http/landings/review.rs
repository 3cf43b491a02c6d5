//! Reviews of flagged landings: the queue, and an officer's decision on one landing.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::list::{landing_row, landing_view};
use super::queue::{QueueQuery, from_queue};
use super::views::*;
use super::{LandingsPages, named_choices, nonempty, out_of_scope};
use crate::adapters::http::shared::errors::{failure, internal, not_found_page};
use crate::adapters::http::shared::page::{caller_of, render};
use crate::adapters::http::shared::state::AppState;
use crate::application::landings::review_landing::{ReviewLandingError, review_landing};
use crate::domain::access::Permission;
use crate::domain::landings::{Corrections, Decision, Review};

/// The review form's fields; empty correction fields leave values as reported.
#[derive(Deserialize)]
pub(super) struct ReviewForm {
    decision: String,
    reason: String,
    date: Option<String>,
    habitat: Option<String>,
    gear: Option<String>,
    boat: Option<String>,
    hours_at_sea: Option<String>,
    fisher_hours: Option<String>,
    catch_value_usd: Option<String>,
    queue: Option<String>,
}

/// A correction field: empty is `None`; text that is not a value of `T` is an error naming
/// the field.
fn field<T: std::str::FromStr>(v: &Option<String>, name: &str) -> Result<Option<T>, String> {
    match nonempty(v) {
        None => Ok(None),
        Some(t) => t
            .parse::<T>()
            .map(Some)
            .map_err(|_| format!("`{t}` is not a valid {name}")),
    }
}

fn decision_of(f: &ReviewForm) -> Result<Decision, String> {
    match f.decision.as_str() {
        "accept" => Ok(Decision::Accept),
        "reject" => Ok(Decision::Reject),
        "correct" => Ok(Decision::Correct(Corrections {
            date: field(&f.date, "date")?,
            habitat_code: field(&f.habitat, "habitat code")?,
            gear_code: field(&f.gear, "gear code")?,
            boat_code: field(&f.boat, "boat code")?,
            hours_at_sea: field(&f.hours_at_sea, "number of hours")?,
            fisher_hours: field(&f.fisher_hours, "number of fisher-hours")?,
            catch_value_usd: field(&f.catch_value_usd, "amount")?,
        })),
        other => Err(format!(
            "`{other}` is not a decision (accept, correct, reject)"
        )),
    }
}

pub(super) async fn review_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
    id: web::Path<String>,
    form: web::Form<ReviewForm>,
) -> HttpResponse {
    let (scope, chrome, current) = ctx!(
        req,
        state,
        session,
        "landings",
        Permission::Review,
        with_user
    );
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found_page();
    };
    let now = state.clock.now();
    let review = decision_of(&form).and_then(|d| {
        Review::new(d, &form.reason, current.user.email.as_str(), now).map_err(|e| e.to_string())
    });
    let review = match review {
        Ok(r) => r,
        Err(message) => {
            // Show the landing again with the reason the review was refused.
            let (queries, s2) = (pages.queries.clone(), scope.clone());
            let Some(d) = block!(queries.landing(&s2, id)) else {
                return not_found_page();
            };
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            let input = ReviewInput {
                decision: form.decision.clone(),
                reason: form.reason.clone(),
                date: text(&form.date),
                habitat: nonempty(&form.habitat),
                gear: nonempty(&form.gear),
                boat: nonempty(&form.boat),
                hours_at_sea: text(&form.hours_at_sea),
                fisher_hours: text(&form.fisher_hours),
                catch_value_usd: text(&form.catch_value_usd),
                queue: form.queue.as_deref().map(|q| QueueQuery::parse(q).query()),
            };
            return match landing_view(d, chrome, &current, Some(message), input).render() {
                Ok(html) => HttpResponse::BadRequest()
                    .content_type("text/html; charset=utf-8")
                    .body(html),
                Err(e) => internal(&e),
            };
        }
    };
    let uow = state.uow.clone();
    let caller = caller_of(&req, &current, &scope);
    let r2 = review.clone();
    let today = now.date_naive();
    let outcome = crate::adapters::http::shared::support::blocking(move || {
        review_landing(uow.as_ref(), &caller, id, &r2, today)
    })
    .await;
    match outcome {
        Ok(Ok(_)) => {
            // The summaries show the review's effect on the reviewer's next page.
            state.deliver_events().await;
            pages.forget_versions();
            // From the queue, the next landing waiting in it (this one left it).
            let location = match form.queue.as_deref() {
                Some(q) => match QueueQuery::parse(q).query() {
                    q if q.is_empty() => "/reviews/next".to_string(),
                    q => format!("/reviews/next?{q}"),
                },
                None => format!("/landings/{id}"),
            };
            HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, location))
                .finish()
        }
        Ok(Err(ReviewLandingError::NotFound)) => {
            out_of_scope(&req, &state, &pages, &current, "landing", id).await
        }
        Ok(Err(e)) => failure(&e),
        Err(e) => internal(&e),
    }
}

pub(super) async fn review_queue(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
    q: web::Query<QueueQuery>,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "reviews", Permission::Review);
    let at = keyset(&q.after, &q.before);
    let filter = q.filter();
    let (p2, s) = (pages.clone(), scope.clone());
    let (page, offered) = block!(
        p2.queries
            .list_landings(&s, &filter, at, 50)
            .and_then(|p| Ok((p, super::list_choices(&p2, &s)?)))
    );
    let query = q.query();
    render(&ReviewQueuePage {
        chrome,
        nav: PageNav::of(&page),
        rows: page
            .items
            .iter()
            .map(|l| LandingRow {
                href: from_queue(l.id, &query),
                ..landing_row(l)
            })
            .collect(),
        rule: nonempty(&q.rule).unwrap_or_default(),
        rules: named_choices(&offered.rules, &q.rule),
        municipalities: named_choices(&offered.municipalities, &q.municipality),
        month: nonempty(&q.month).unwrap_or_default(),
        done: q.done.as_deref() == Some("1"),
        query,
    })
}

/// The next landing of a review queue (`GET /reviews/next?rule=…&after=…`): the first one
/// still waiting after the position `after` (or the first one), opened from the queue; the
/// queue itself when none is left.
pub(super) async fn next_in_queue(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
    q: web::Query<QueueQuery>,
) -> HttpResponse {
    let (scope, _chrome) = ctx!(req, state, session, "reviews", Permission::Review);
    // Only forward: the page after `after`, or the first.
    let at = keyset(&q.after, &None);
    let filter = q.filter();
    let queries = pages.queries.clone();
    let page = block!(queries.list_landings(&scope, &filter, at, 1));
    let query = q.query();
    let location = match page.items.first() {
        Some(l) => from_queue(l.id, &query),
        None if query.is_empty() => "/reviews?done=1".to_string(),
        None => format!("/reviews?{query}&done=1"),
    };
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}
