//! Subscriber: the summary projector of the landings context. When landings are imported or
//! reviewed, it rebuilds the read models (monthly summaries, catch by species) with the
//! system's rights, and records the events in the landings inbox in the same transaction.

use std::sync::Arc;

use super::ports::LandingsTx;
use crate::application::shared::{StoreError, StoredEvent, Subscriber, UnitOfWork, handle_once};
use crate::domain::landings::{LandingReviewed, LandingsImported, summarise};
use crate::domain::shared::EventPayload;

/// The summary projector: subscribes to [`LandingsImported`] and [`LandingReviewed`].
pub struct SummaryProjector<U> {
    uow: Arc<U>,
}

impl<U> SummaryProjector<U> {
    /// The projector writing through `uow`.
    pub fn new(uow: Arc<U>) -> Self {
        SummaryProjector { uow }
    }
}

/// The consumer name of the projector (its inbox rows and deliveries are kept under it).
pub const CONSUMER: &str = "landings.summaries";

/// The event types the projector reacts to.
pub const EVENTS: &[&str] = &[LandingsImported::TYPE, LandingReviewed::TYPE];

/// Rebuilds the read models in `tx` (the rebuilds run one at a time).
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn rebuild_summaries<T: LandingsTx>(tx: &mut T) -> Result<(), StoreError> {
    tx.summaries().lock()?;
    let inputs = tx.summaries().summary_inputs()?;
    tx.summaries().replace_read_models(&summarise(&inputs))
}

impl<U> Subscriber for SummaryProjector<U>
where
    U: UnitOfWork,
    U::Tx: LandingsTx,
{
    fn name(&self) -> &'static str {
        CONSUMER
    }

    fn event_types(&self) -> &'static [&'static str] {
        EVENTS
    }

    fn handle(&self, events: &[StoredEvent]) -> Result<(), StoreError> {
        let handled = handle_once(self.uow.as_ref(), CONSUMER, events, |tx, _| {
            rebuild_summaries(tx)
        })?;
        if handled > 0 {
            tracing::info!(events = handled, "landings read models rebuilt");
        }
        Ok(())
    }
}
