//! Command: an officer's review of a flagged landing (accept, correct, reject), written with
//! its effect on the summaries in one transaction.

use chrono::NaiveDate;
use uuid::Uuid;

use super::ports::{LandingQueries, ProjectionUnitOfWork, ReviewUnitOfWork};
use crate::application::shared::StoreError;
use crate::domain::landings::{PESKAAS_2020, Peskaas2020, Review, summarise};
use crate::domain::shared::AccessScope;

/// Rebuilds the read models (monthly summaries, catch by species) when the outbox holds
/// pending requests, and marks them done, in one transaction. Returns how many requests it
/// served (0: nothing to do).
///
/// # Errors
/// [`StoreError`] when the database fails (the requests stay pending).
pub fn project_read_models(projector: &dyn ProjectionUnitOfWork) -> Result<usize, StoreError> {
    let mut served = 0;
    projector.run_projection(&mut |tx| {
        let pending = tx.pending_requests()?;
        if pending.is_empty() {
            return Ok(());
        }
        let inputs = tx.summary_inputs()?;
        tx.replace_read_models(&summarise(&inputs))?;
        tx.mark_done(&pending)?;
        served = pending.len();
        Ok(())
    })?;
    if served > 0 {
        tracing::info!(requests = served, "read models rebuilt");
    }
    Ok(served)
}

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

/// Records `review` of landing `id`, which must lie in `scope` (the reviewer's review
/// scope), in one transaction under that scope: the review event, the landing's new
/// outcome, and a request (outbox) to rebuild the read models. Then it runs the projector,
/// so the summaries show the outcome when this returns. The reported values are kept; the
/// review is appended to the landing's history.
///
/// If the rebuild fails after the review committed, the review stands and the request
/// stays pending: [`project_read_models`] runs again at start-up and periodically.
///
/// # Errors
/// [`ReviewLandingError::NotFound`] when the landing does not exist or is outside `scope`;
/// [`ReviewLandingError::Store`] when the database fails (nothing is written).
#[tracing::instrument(skip(queries, uow, projector, review), fields(decision = review.decision.key()))]
pub fn review_landing(
    queries: &dyn LandingQueries,
    uow: &dyn ReviewUnitOfWork,
    projector: &dyn ProjectionUnitOfWork,
    scope: &AccessScope,
    id: Uuid,
    review: &Review,
    today: NaiveDate,
) -> Result<ReviewOutcome, ReviewLandingError> {
    let detail = queries
        .landing(scope, id)?
        .ok_or(ReviewLandingError::NotFound)?;
    let landing = &detail.landing;
    let (assessment, counts) = review.outcome(&Peskaas2020::default(), landing, today);
    let changes = match &review.decision {
        crate::domain::landings::Decision::Correct(c) => c.changes(landing),
        _ => Vec::new(),
    };
    let mut found = true;
    uow.run_review(scope, &mut |tx| {
        if !tx.lock_landing(id)? {
            found = false;
            return Ok(());
        }
        tx.append_review(landing, review, &changes, PESKAAS_2020)?;
        tx.store_outcome(id, &assessment, counts, review.decision.key())?;
        tx.request_read_model_rebuild(id)
    })?;
    if !found {
        return Err(ReviewLandingError::NotFound);
    }
    if let Err(e) = project_read_models(projector) {
        tracing::warn!(error = %e, "read models not rebuilt yet; the request stays pending");
    }
    tracing::info!(source_id = landing.source_id, counts, "landing reviewed");
    Ok(ReviewOutcome {
        source_id: landing.source_id,
        counts_in_summaries: counts,
        site_path: landing.site.path.to_string(),
    })
}
