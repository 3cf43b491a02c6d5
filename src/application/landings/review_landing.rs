//! Command: an officer's review of a flagged landing (accept, correct, reject), written with
//! its effect on the landing, its audit entry and the [`LandingReviewed`] event in one unit
//! of work under the reviewer's scope.

use chrono::NaiveDate;
use uuid::Uuid;

use super::ports::LandingsTx;
use crate::application::shared::{
    AuditEntry, Caller, StoreError, StoreFailure, Transaction, UnitOfWork,
};
use crate::domain::landings::{Decision, LandingReviewed, PESKAAS_2020, Peskaas2020, Review};
use crate::domain::shared::DomainEvent;

/// Why a review was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum ReviewLandingError {
    /// No such landing in the reviewer's scope (shown as 404).
    #[error("no such landing")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StoreFailure for ReviewLandingError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            ReviewLandingError::Store(e) => Some(e),
            ReviewLandingError::NotFound => None,
        }
    }
}

/// What the review changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewOutcome {
    /// The landing's source id (PeskAAS trip id).
    pub source_id: i64,
    /// Whether it now counts in the monthly summaries.
    pub counts_in_summaries: bool,
    /// Its site's jurisdiction path.
    pub site_path: String,
}

/// Records `review` of landing `id` by `caller` (the reviewer, whose scope is that of their
/// permission to review), in one unit of work under that scope: reads the landing as
/// reported, records the review with the landing's new outcome, writes the `review`
/// audit entry and publishes [`LandingReviewed`]. The reported values are kept. The
/// summaries change when the event reaches the summary projector (the relay, right after
/// the commit).
///
/// # Errors
/// [`ReviewLandingError::NotFound`] when the landing does not exist or is outside the
/// caller's scope; [`ReviewLandingError::Store`] when the database fails (nothing is
/// written).
#[tracing::instrument(skip(uow, caller, review), fields(decision = review.decision.key()))]
pub fn review_landing<U>(
    uow: &U,
    caller: &Caller,
    id: Uuid,
    review: &Review,
    today: NaiveDate,
) -> Result<ReviewOutcome, ReviewLandingError>
where
    U: UnitOfWork,
    U::Tx: LandingsTx,
{
    let outcome = uow.run(caller, |tx| {
        if !tx.reviews().lock_landing(id)? {
            return Err(ReviewLandingError::NotFound);
        }
        let landing = tx
            .reviews()
            .reported(id)?
            .ok_or(ReviewLandingError::NotFound)?;
        let (assessment, counts) = review.outcome(&Peskaas2020::default(), &landing, today);
        let changes = match &review.decision {
            Decision::Correct(c) => c.changes(&landing),
            _ => Vec::new(),
        };
        tx.reviews().record_review(
            &landing,
            review,
            &changes,
            PESKAAS_2020,
            &assessment,
            counts,
        )?;
        tx.audit(
            AuditEntry::new("review")
                .at(landing.site.path.as_str())
                .with("landing", landing.source_id)
                .with("decision", review.decision.key())
                .with("reason", &review.reason)
                .with("counts_in_summaries", counts),
        );
        tx.publish(DomainEvent::new(
            LandingReviewed::of(&landing, review, counts),
            review.at,
        ))?;
        Ok(ReviewOutcome {
            source_id: landing.source_id,
            counts_in_summaries: counts,
            site_path: landing.site.path.to_string(),
        })
    })?;
    tracing::info!(
        source_id = outcome.source_id,
        counts = outcome.counts_in_summaries,
        "landing reviewed"
    );
    Ok(outcome)
}
