//! The use cases of landings, geography and access on the in-memory adapters: fast, no
//! database. What they write, the events they raise and the audit entries they keep commit
//! together or not at all; a transient failure runs the work again. The same use cases run
//! on PostgreSQL in the black-box tests.

mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use common::Scratch;
use tasi::adapters::importers::landings::importer::PeskaasLandings;
use tasi::adapters::importers::landings::synthetic;
use tasi::adapters::persistence::access::memory::AccessMemory;
use tasi::adapters::persistence::geography::memory::GeographyMemory;
use tasi::adapters::persistence::landings::memory::LandingsMemory;
use tasi::adapters::persistence::shared::memory::InMemoryUnitOfWork;
use tasi::adapters::security::hasher::Argon2idHasher;
use tasi::adapters::security::password_strength::ZxcvbnStrength;
use tasi::application::access::admin::{
    AdminError, AdminPorts, Administrator, LinkToken, add_grant, create_user,
};
use tasi::application::access::{Credentials, NewGrants, NewUser, add_user};
use tasi::application::landings::project_summaries::SummaryProjector;
use tasi::application::landings::review_landing::{ReviewLandingError, review_landing};
use tasi::application::shared::{Caller, Clock, ErrorKind, Subscriber};
use tasi::domain::access::{Email, Role};
use tasi::domain::landings::{Decision, Review, summarise};
use tasi::domain::shared::{AccessScope, JurisdictionPath};

/// A synthetic PeskAAS directory of `n` landings (three municipalities, six sites).
fn synthetic_dir(n: usize) -> Scratch {
    let dir = Scratch::new();
    let end = chrono::NaiveDate::from_ymd_opt(2020, 8, 31).unwrap_or_default();
    synthetic::write(&dir.0, n, end).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn import(uow: &Arc<InMemoryUnitOfWork>, dir: &Path) {
    PeskaasLandings::new(uow.clone(), synthetic::SOURCE)
        .import_dir(&Caller::system("test"), dir)
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The committed landings part.
fn landings(uow: &InMemoryUnitOfWork) -> LandingsMemory {
    uow.state().part::<LandingsMemory>().clone()
}

/// The committed geography part.
fn geography(uow: &InMemoryUnitOfWork) -> GeographyMemory {
    uow.state().part::<GeographyMemory>().clone()
}

/// The committed access part.
fn access(uow: &InMemoryUnitOfWork) -> AccessMemory {
    uow.state().part::<AccessMemory>().clone()
}

fn events_of(uow: &InMemoryUnitOfWork, event_type: &str) -> usize {
    uow.state()
        .outbox
        .iter()
        .filter(|e| e.event_type == event_type)
        .count()
}

fn audits_of(uow: &InMemoryUnitOfWork, action: &str) -> usize {
    uow.state()
        .audit
        .iter()
        .filter(|(_, _, e)| e.action == action)
        .count()
}

#[test]
fn an_import_writes_its_landings_raises_its_event_and_audits_it_and_a_reimport_changes_nothing() {
    let uow = Arc::new(InMemoryUnitOfWork::new());
    let dir = synthetic_dir(120);
    import(&uow, &dir.0);
    let stored = landings(&uow).landings.len();
    assert!(stored > 100, "{stored} landings stored");
    assert_eq!(
        geography(&uow).jurisdictions.len(),
        1 + 3 + 6,
        "country, municipalities, sites"
    );
    assert_eq!(events_of(&uow, "landings.LandingsImported"), 1);
    assert_eq!(events_of(&uow, "geography.JurisdictionsRegistered"), 1);
    assert_eq!(audits_of(&uow, "import"), 1);
    let (actor, _, entry) = uow.state().audit[0].clone();
    assert_eq!(actor, "test");
    assert!(
        entry
            .details
            .iter()
            .any(|(k, v)| k == "trips.csv" && v.ends_with("0 unchanged, 0 rejected"))
    );

    // The same files again: everything unchanged, no event (nobody has anything to do).
    let report = PeskaasLandings::new(uow.clone(), synthetic::SOURCE)
        .import_dir(&Caller::system("test"), &dir.0)
        .unwrap_or_else(|e| panic!("{e}"));
    let trips = report
        .tables
        .iter()
        .find(|t| t.table == "trips.csv")
        .unwrap_or_else(|| panic!("trips.csv counted"));
    assert_eq!((trips.imported, trips.unchanged), (0, 120));
    assert_eq!(events_of(&uow, "landings.LandingsImported"), 1);
    assert_eq!(landings(&uow).landings.len(), stored);
    assert_eq!(audits_of(&uow, "import"), 2, "every import is audited");
}

#[test]
fn the_summary_projector_rebuilds_the_read_models_once_per_event() {
    let uow = Arc::new(InMemoryUnitOfWork::new());
    import(&uow, &synthetic_dir(80).0);
    let projector = SummaryProjector::new(uow.clone());
    let events: Vec<_> = uow
        .state()
        .outbox
        .iter()
        .filter(|e| projector.event_types().contains(&e.event_type.as_str()))
        .cloned()
        .collect();
    assert_eq!(events.len(), 1);
    projector.handle(&events).unwrap_or_else(|e| panic!("{e}"));
    let expected = {
        let inputs: Vec<_> = landings(&uow)
            .landings
            .values()
            .filter(|l| l.counts)
            .filter_map(|l| {
                Some(tasi::domain::landings::SummaryInput {
                    date: l.landing.date?,
                    municipality: l.landing.site.municipality.clone()?,
                    boat_type: tasi::domain::landings::BoatType::from_code(
                        l.landing.boat_code?.into(),
                    )
                    .ok()?,
                    effort: l.assessment.effort?,
                    catch: l.assessment.catch,
                    value_usd: l.assessment.value.map(|v| v.value()),
                })
            })
            .collect();
        summarise(&inputs)
    };
    assert!(!expected.is_empty());
    assert_eq!(landings(&uow).summaries, expected);
    assert_eq!(landings(&uow).rebuilds, 1);
    // Delivered again: the inbox knows the event; nothing is rebuilt.
    projector.handle(&events).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(landings(&uow).rebuilds, 1);
    assert_eq!(uow.state().inbox.len(), 1);
}

/// A landing of the import at a site of a known municipality, and that municipality's path.
fn reviewable(uow: &InMemoryUnitOfWork) -> (uuid::Uuid, JurisdictionPath) {
    let s = landings(uow);
    let l = s
        .landings
        .values()
        .find(|l| l.landing.site.municipality.is_some())
        .unwrap_or_else(|| panic!("the synthetic set has landings of a municipality"));
    let site = &l.landing.site.path;
    (
        l.landing.id.0,
        site.parent().unwrap_or_else(|| site.clone()),
    )
}

fn reviewer(scope: &JurisdictionPath) -> Caller {
    Caller::user(
        uuid::Uuid::nil(),
        "officer@tasi.tl",
        AccessScope::of(vec![scope.clone()]),
    )
    .from_addr(Some("10.0.0.7".into()))
}

fn accept(by: &str) -> Review {
    Review::new(
        Decision::Accept,
        "checked with the enumerator",
        by,
        Utc::now(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_review_writes_its_outcome_its_event_and_its_audit_entry_together() {
    let uow = Arc::new(InMemoryUnitOfWork::new());
    import(&uow, &synthetic_dir(120).0);
    let (id, municipality) = reviewable(&uow);
    let outbox = uow.state().outbox.len();

    let outcome = review_landing(
        uow.as_ref(),
        &reviewer(&municipality),
        id,
        &accept("officer@tasi.tl"),
        Utc::now().date_naive(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let l = landings(&uow);
    assert_eq!(l.landings[&id].review_status.as_deref(), Some("accept"));
    assert_eq!(l.reviews.len(), 1);
    let s = uow.state();
    assert_eq!(s.outbox.len(), outbox + 1);
    let event = &s.outbox[outbox];
    assert_eq!(event.event_type, "landings.LandingReviewed");
    assert_eq!(event.aggregate_id, id.to_string());
    assert_eq!(
        event.jurisdiction.as_deref(),
        Some(outcome.site_path.as_str())
    );
    let (actor, _, entry) = s.audit.last().cloned().unwrap_or_else(|| panic!("audited"));
    assert_eq!(
        (actor.as_str(), entry.action.as_str()),
        ("officer@tasi.tl", "review")
    );
    assert_eq!(entry.client_addr.as_deref(), Some("10.0.0.7"));
}

#[test]
fn a_review_outside_the_reviewers_scope_is_not_found_and_writes_nothing() {
    let uow = Arc::new(InMemoryUnitOfWork::new());
    import(&uow, &synthetic_dir(120).0);
    let (id, municipality) = reviewable(&uow);
    let elsewhere = geography(&uow)
        .jurisdictions
        .values()
        .map(|j| j.path.clone())
        .find(|p| p.depth() == 2 && *p != municipality)
        .unwrap_or_else(|| panic!("another municipality"));
    let (outbox, audit) = {
        let s = uow.state();
        (s.outbox.len(), s.audit.len())
    };
    let refused = review_landing(
        uow.as_ref(),
        &reviewer(&elsewhere),
        id,
        &accept("officer@tasi.tl"),
        Utc::now().date_naive(),
    );
    assert!(
        matches!(refused, Err(ReviewLandingError::NotFound)),
        "{refused:?}"
    );
    let l = landings(&uow);
    let s = uow.state();
    assert_eq!(
        (s.outbox.len(), s.audit.len(), l.reviews.len()),
        (outbox, audit, 0)
    );
    assert_eq!(l.landings[&id].review_status, None);
}

#[test]
fn a_transient_failure_runs_the_review_again_and_a_permanent_one_writes_nothing() {
    let uow = Arc::new(InMemoryUnitOfWork::new());
    import(&uow, &synthetic_dir(120).0);
    let (id, municipality) = reviewable(&uow);

    uow.fail_next(ErrorKind::Transient, 2);
    let before = uow.attempts();
    review_landing(
        uow.as_ref(),
        &reviewer(&municipality),
        id,
        &accept("officer@tasi.tl"),
        Utc::now().date_naive(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        uow.attempts() - before,
        3,
        "two transient failures, then the commit"
    );
    assert_eq!(landings(&uow).reviews.len(), 1, "written once");
    assert_eq!(events_of(&uow, "landings.LandingReviewed"), 1);

    uow.fail_next(ErrorKind::Permanent, 1);
    let before = uow.attempts();
    let failed = review_landing(
        uow.as_ref(),
        &reviewer(&municipality),
        id,
        &accept("officer@tasi.tl"),
        Utc::now().date_naive(),
    );
    assert!(
        matches!(&failed, Err(ReviewLandingError::Store(e)) if e.kind() == ErrorKind::Permanent),
        "{failed:?}"
    );
    assert_eq!(uow.attempts() - before, 1, "not retried");
    assert_eq!(landings(&uow).reviews.len(), 1, "nothing written");
    assert_eq!(events_of(&uow, "landings.LandingReviewed"), 1);
}

struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<Utc> {
        Utc::now()
    }
}

#[test]
fn granting_a_role_ends_the_users_sessions_raises_user_granted_and_is_audited() {
    let uow = Arc::new(InMemoryUnitOfWork::new());
    import(&uow, &synthetic_dir(20).0);
    let municipalities: Vec<JurisdictionPath> = geography(&uow)
        .jurisdictions
        .values()
        .map(|j| j.path.clone())
        .filter(|p| p.depth() == 2)
        .collect();
    let (here, there) = (municipalities[0].clone(), municipalities[1].clone());
    let hasher = Argon2idHasher::new().unwrap_or_else(|e| panic!("{e}"));
    let credentials = Credentials {
        hasher: &hasher,
        strength: &ZxcvbnStrength,
    };
    let email = Email::parse("viewer@tasi.tl").unwrap_or_else(|e| panic!("{e}"));
    let user = add_user(
        uow.as_ref(),
        uow.as_ref(),
        credentials,
        &Caller::system("cli"),
        &NewUser {
            email: &email,
            password: "reef fish at dawn over the bay",
            grants: &NewGrants::On(Role::Viewer, here.clone()),
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(events_of(&uow, "access.UserGranted"), 1);
    assert_eq!(audits_of(&uow, "user.saved"), 1);
    uow.open_session("a session", user.id);

    let ports = AdminPorts {
        uow: uow.as_ref(),
        accounts: uow.as_ref(),
        directory: uow.as_ref(),
        queries: uow.as_ref(),
        credentials,
        clock: &FixedClock,
    };
    let admin = Administrator {
        user_id: uuid::Uuid::new_v4(),
        email: "admin@tasi.tl".into(),
        scope: AccessScope::of(vec![here.clone()]),
        client_addr: Some("10.0.0.9".into()),
    };
    let change =
        add_grant(&ports, &admin, user.id, Role::Analyst, &here).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(change.sessions_ended, 1);
    assert!(access(&uow).sessions.is_empty());
    assert_eq!(events_of(&uow, "access.UserGranted"), 2);
    let (actor, _, entry) = uow
        .state()
        .audit
        .last()
        .cloned()
        .unwrap_or_else(|| panic!("audited"));
    assert_eq!(
        (
            actor.as_str(),
            entry.action.as_str(),
            entry.jurisdiction.as_deref()
        ),
        ("admin@tasi.tl", "grant.added", Some(here.as_str()))
    );

    // Outside the admin's scope: refused, nothing written.
    let (outbox, audit) = {
        let s = uow.state();
        (s.outbox.len(), s.audit.len())
    };
    let refused = add_grant(&ports, &admin, user.id, Role::Viewer, &there);
    assert!(
        matches!(refused, Err(AdminError::OutsideScope(_))),
        "{refused:?}"
    );
    let after = {
        let s = uow.state();
        (s.outbox.len(), s.audit.len())
    };
    assert_eq!(after, (outbox, audit));

    // An e-mail taken: the store's conflict, told as such.
    let token = LinkToken::parse(&"0123456789abcdef".repeat(4)).unwrap_or_else(|e| panic!("{e}"));
    let taken = create_user(&ports, &admin, &email, Role::Viewer, &here, &token);
    assert!(matches!(taken, Err(AdminError::EmailTaken(_))), "{taken:?}");
    assert_eq!(uow.state().outbox.len(), outbox);
}
