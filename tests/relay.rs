//! The outbox relay against a real PostgreSQL: events reach each subscriber at least once,
//! and each consumer's inbox makes a redelivery change nothing, even when the relay dies
//! between a consumer's commit and its acknowledgement.

mod common;

use std::process::Command;
use std::sync::Arc;

use common::{Scratch, TestDb};
use tasi::adapters::importers::landings::synthetic;
use tasi::adapters::persistence::shared::{DieselOutbox, DieselUnitOfWork};
use tasi::application::shared::{Relay, StoreError, StoredEvent, Subscriber};
use tasi::application::spatial_catch::refresh::SpatialCatchRebuild;

/// A synthetic set imported (its events delivered): landings, read models, spatial catch.
fn with_import() -> TestDb {
    let db = TestDb::new();
    let dir = Scratch::new();
    let end = chrono::NaiveDate::from_ymd_opt(2020, 8, 31).unwrap_or_default();
    synthetic::write(&dir.0, 200, end).unwrap_or_else(|e| panic!("{e}"));
    common::import_dir(&db, &dir.0, synthetic::SOURCE).unwrap_or_else(|e| panic!("{e}"));
    db
}

/// Every read model of landings and spatial catch, as text, in a stable order.
fn read_models(db: &TestDb) -> String {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    [
        "SELECT coalesce(string_agg(m::text, ';' ORDER BY m::text), '') AS t
         FROM landings.monthly_summaries m",
        "SELECT coalesce(string_agg(s::text, ';' ORDER BY s::text), '') AS t
         FROM landings.monthly_species_catch s",
        "SELECT coalesce(string_agg(m::text, ';' ORDER BY m::text), '') AS t
         FROM spatial_catch.matches m",
        "SELECT coalesce(string_agg(e::text, ';' ORDER BY e::text), '') AS t
         FROM spatial_catch.effort_cells e",
    ]
    .iter()
    .map(|q| {
        diesel::sql_query(*q)
            .get_result::<T>(&mut c)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .t
    })
    .collect::<Vec<_>>()
    .join("\n")
}

fn runs(db: &TestDb) -> i64 {
    db.count("SELECT count(*) AS n FROM spatial_catch.runs")
}

#[test]
fn every_event_delivered_twice_leaves_the_read_models_unchanged() {
    let db = with_import();
    let events = db.count("SELECT count(*) AS n FROM platform.outbox");
    assert!(events >= 2, "the import published its events ({events})");
    let delivered = db.count("SELECT count(*) AS n FROM platform.deliveries");
    assert!(
        delivered >= 2,
        "each subscriber acknowledged them ({delivered})"
    );
    let before = read_models(&db);
    let rebuilds = runs(&db);
    assert!(before.len() > 100, "the read models hold the import");

    // Forget every acknowledgement: the relay delivers every event a second time.
    use diesel::prelude::*;
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query("DELETE FROM platform.deliveries")
        .execute(&mut c)
        .unwrap_or_else(|e| panic!("{e}"));
    let again: usize = db
        .platform()
        .deliver()
        .into_iter()
        .map(|d| d.outcome.unwrap_or_else(|e| panic!("{e}")))
        .sum();
    assert_eq!(again as i64, delivered, "every event was delivered again");
    assert_eq!(read_models(&db), before, "the read models are unchanged");
    assert_eq!(
        runs(&db),
        rebuilds,
        "the inbox kept the rebuild from running again"
    );
    assert_eq!(
        db.count("SELECT count(*) AS n FROM platform.deliveries"),
        delivered
    );
}

/// The child process of the test below: a relay whose spatial-catch subscriber handles the
/// events (its transaction commits, with its inbox) and then the process dies before the
/// relay acknowledges them.
struct DiesAfterHandling(SpatialCatchRebuild<DieselUnitOfWork>);

impl Subscriber for DiesAfterHandling {
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn event_types(&self) -> &'static [&'static str] {
        self.0.event_types()
    }
    fn handle(&self, events: &[StoredEvent]) -> Result<(), StoreError> {
        self.0.handle(events)?;
        // Killed here: no unwinding, no acknowledgement, connections dropped by the server.
        std::process::exit(9)
    }
}

const CHILD: &str = "TASI_TEST_RELAY_CHILD_DB";

#[test]
fn relay_child_dies_between_delivery_and_acknowledgement() {
    // Runs only as the child of the test below.
    let Ok(url) = std::env::var(CHILD) else {
        return;
    };
    let pool =
        tasi::adapters::persistence::shared::connect(&url, 4).unwrap_or_else(|e| panic!("{e}"));
    let uow = Arc::new(DieselUnitOfWork::new(
        None,
        Some(pool.clone()),
        tasi::adapters::persistence::access::users::append_audit,
    ));
    let relay = Relay::new(
        Arc::new(DieselOutbox::new(pool)),
        vec![Arc::new(DiesAfterHandling(SpatialCatchRebuild::new(uow)))],
    );
    relay.deliver_pending();
    panic!("the subscriber should have ended the process");
}

#[test]
fn a_relay_killed_between_delivery_and_acknowledgement_handles_the_event_once() {
    let db = with_import();
    let rebuilds = runs(&db);
    // A landing is reviewed: its event waits in the outbox for spatial catch.
    use diesel::prelude::*;
    let mut c = db.pool.get().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query(
        "INSERT INTO platform.outbox (event_id, event_type, schema_version, occurred_at,
                                      aggregate_type, aggregate_id, payload)
         VALUES (gen_random_uuid(), 'landings.LandingReviewed', 1, now(),
                 'SurveyedLanding', 'x', '{}')",
    )
    .execute(&mut c)
    .unwrap_or_else(|e| panic!("{e}"));
    let pending = "SELECT count(*) AS n FROM platform.outbox o
                   WHERE NOT EXISTS (SELECT 1 FROM platform.deliveries d
                                     WHERE d.subscriber = 'spatial_catch.models'
                                       AND d.event_id = o.event_id)
                     AND o.event_type = 'landings.LandingReviewed'";
    assert_eq!(db.count(pending), 1);

    // The relay runs in a process of its own that dies after the rebuild commits.
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new(exe)
        .args([
            "--exact",
            "relay_child_dies_between_delivery_and_acknowledgement",
            "--nocapture",
        ])
        .env(CHILD, &db.url)
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.code(), Some(9), "the child died in the handler");
    assert_eq!(runs(&db), rebuilds + 1, "the rebuild committed");
    assert_eq!(db.count(pending), 1, "but the event was not acknowledged");
    assert_eq!(
        db.count(
            "SELECT count(*) AS n FROM spatial_catch.inbox i JOIN platform.outbox o
             ON o.event_id = i.event_id WHERE o.event_type = 'landings.LandingReviewed'"
        ),
        1,
        "the inbox holds the event handled"
    );

    // The relay runs again: the event is delivered again, the inbox knows it, the rebuild
    // does not run twice, and the delivery is acknowledged.
    let outcome: usize = db
        .platform()
        .deliver()
        .into_iter()
        .filter(|d| d.subscriber == "spatial_catch.models")
        .map(|d| d.outcome.unwrap_or_else(|e| panic!("{e}")))
        .sum();
    assert_eq!(outcome, 1, "delivered again");
    assert_eq!(runs(&db), rebuilds + 1, "handled once");
    assert_eq!(db.count(pending), 0, "acknowledged");
}
