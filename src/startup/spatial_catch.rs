//! The spatial-catch context's module: the rebuild of its models, and its report after an
//! import.

use std::sync::Arc;

use super::Context;
use crate::adapters::persistence::shared::{DieselUnitOfWork, PgPool};
use crate::adapters::persistence::spatial_catch::queries::DieselSpatialCatchQueries;
use crate::application::ingestion::ports::ImportReporter;
use crate::application::shared::Subscriber;
use crate::application::spatial_catch::refresh::SpatialCatchRebuild;
use crate::application::spatial_catch::report::RebuildReport;

/// The spatial-catch context.
pub struct SpatialCatch;

/// The module, as the list of contexts names it.
pub static CONTEXT: SpatialCatch = SpatialCatch;

impl Context for SpatialCatch {
    fn name(&self) -> &'static str {
        "spatial_catch"
    }

    fn subscribers(&self, uow: &Arc<DieselUnitOfWork>) -> Vec<Arc<dyn Subscriber>> {
        vec![Arc::new(SpatialCatchRebuild::new(uow.clone()))]
    }

    fn reporters(&self, owner: &PgPool) -> Vec<Arc<dyn ImportReporter>> {
        vec![Arc::new(RebuildReport::new(Arc::new(
            DieselSpatialCatchQueries::new(owner.clone()),
        )))]
    }
}
