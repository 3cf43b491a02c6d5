//! The relay: delivers the events of the one outbox, after their transaction committed, to
//! the subscribers that consuming contexts register: at least once, in outbox order (so in
//! order per aggregate), each subscriber at its own pace. Each consumer keeps an inbox of
//! the event ids it handled, written in the transaction of its reaction, so a redelivery
//! (the relay stopped between a consumer's commit and its acknowledgement) changes nothing.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{StoreError, Transaction, UnitOfWork};

/// An event as the outbox holds it: the envelope of a [`crate::domain::shared::DomainEvent`]
/// with its payload as JSON text, and its position in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Its position in the outbox: later events have larger positions.
    pub position: i64,
    /// The event's id (UUID v7).
    pub id: Uuid,
    /// `<context>.<EventName>`.
    pub event_type: String,
    /// The payload's schema version.
    pub schema_version: u16,
    /// When it happened, UTC.
    pub occurred_at: DateTime<Utc>,
    /// The kind of aggregate it concerns.
    pub aggregate_type: String,
    /// The aggregate's id.
    pub aggregate_id: String,
    /// The jurisdiction it concerns, when one.
    pub jurisdiction: Option<String>,
    /// The payload, as JSON text.
    pub payload: String,
}

/// A consumer of events, registered by the context that consumes them.
pub trait Subscriber: Send + Sync {
    /// Its name, `<context>.<consumer>` (`landings.summaries`): its deliveries and its inbox
    /// are kept under it, so it never changes.
    fn name(&self) -> &'static str;

    /// The event types it consumes (`landings.LandingReviewed`).
    fn event_types(&self) -> &'static [&'static str];

    /// Reacts to `events` (oldest first), recording their ids in the consumer's inbox in the
    /// same transaction as the reaction; events already in the inbox change nothing.
    ///
    /// # Errors
    /// [`StoreError`] when the reaction fails: nothing of it is kept, and the events are
    /// delivered again later.
    fn handle(&self, events: &[StoredEvent]) -> Result<(), StoreError>;
}

/// The relay's side of the outbox.
pub trait Outbox: Send + Sync {
    /// Hands `deliver` the events of `types` that `subscriber` has not acknowledged, oldest
    /// first, at most `limit`, and acknowledges them when `deliver` returns `Ok`. Deliveries
    /// to one subscriber never overlap (across processes too). Returns how many events were
    /// acknowledged (0: none was pending).
    ///
    /// # Errors
    /// [`StoreError`] when the outbox cannot be read or written, or `deliver` failed (then
    /// nothing is acknowledged).
    fn deliver(
        &self,
        subscriber: &str,
        types: &[&str],
        limit: usize,
        deliver: &mut dyn FnMut(&[StoredEvent]) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError>;
}

/// A consumer's record of the events it has handled.
pub trait Inbox {
    /// The ids among `ids` that `consumer` has not handled yet.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn unhandled(&mut self, consumer: &str, ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError>;

    /// Records `ids` as handled by `consumer`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn record_handled(&mut self, consumer: &str, ids: &[Uuid]) -> Result<(), StoreError>;
}

/// Runs `react` once for the events of `events` that `consumer` has not handled, in one unit
/// of work (with the system's rights) that also records them in the consumer's inbox.
/// Returns how many events were new (0: all had been handled; `react` did not run).
///
/// # Errors
/// [`StoreError`] when the reaction or the database fails; nothing is recorded.
pub fn handle_once<U: UnitOfWork>(
    uow: &U,
    consumer: &'static str,
    events: &[StoredEvent],
    mut react: impl FnMut(&mut U::Tx, &[&StoredEvent]) -> Result<(), StoreError>,
) -> Result<usize, StoreError> {
    let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    uow.run(&super::Caller::system(consumer), |tx| {
        let fresh = tx.inbox().unhandled(consumer, &ids)?;
        if fresh.is_empty() {
            return Ok(0);
        }
        let new: Vec<&StoredEvent> = events.iter().filter(|e| fresh.contains(&e.id)).collect();
        react(tx, &new)?;
        tx.inbox().record_handled(consumer, &fresh)?;
        Ok(new.len())
    })
}

/// Events handed to a subscriber at a time.
pub const DELIVERY_BATCH: usize = 500;

/// What one round of the relay did for one subscriber.
#[derive(Debug)]
pub struct Delivery {
    /// The subscriber.
    pub subscriber: &'static str,
    /// Events acknowledged, or why the round stopped.
    pub outcome: Result<usize, StoreError>,
}

/// The relay: delivers pending events to every registered subscriber.
pub struct Relay {
    outbox: Arc<dyn Outbox>,
    subscribers: Vec<Arc<dyn Subscriber>>,
    /// One round at a time in this process (other processes wait on the outbox's lock).
    round: Mutex<()>,
}

impl Relay {
    /// A relay over `outbox` for `subscribers`.
    pub fn new(outbox: Arc<dyn Outbox>, subscribers: Vec<Arc<dyn Subscriber>>) -> Self {
        Relay {
            outbox,
            subscribers,
            round: Mutex::new(()),
        }
    }

    /// The subscribers' names, in delivery order.
    pub fn subscribers(&self) -> Vec<&'static str> {
        self.subscribers.iter().map(|s| s.name()).collect()
    }

    /// Delivers every pending event to each subscriber, in batches of
    /// [`DELIVERY_BATCH`], until none is pending for it. A subscriber that fails is left
    /// for the next round; the others are served. Returns what happened per subscriber.
    pub fn deliver_pending(&self) -> Vec<Delivery> {
        let _round = self.round.lock().unwrap_or_else(|p| p.into_inner());
        self.subscribers
            .iter()
            .map(|s| {
                let mut total = 0;
                let outcome = loop {
                    match self.outbox.deliver(
                        s.name(),
                        s.event_types(),
                        DELIVERY_BATCH,
                        &mut |events| s.handle(events),
                    ) {
                        Ok(0) => break Ok(total),
                        Ok(n) => total += n,
                        Err(e) => {
                            tracing::warn!(
                                subscriber = s.name(),
                                error = %super::chain(&e),
                                "delivery failed; the events stay pending"
                            );
                            break Err(e);
                        }
                    }
                };
                if let Ok(n) = outcome
                    && n > 0
                {
                    tracing::info!(subscriber = s.name(), events = n, "events delivered");
                }
                Delivery {
                    subscriber: s.name(),
                    outcome,
                }
            })
            .collect()
    }
}
