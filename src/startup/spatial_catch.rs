//! The spatial-catch context's module: its pages, the rebuild of its models, and its
//! report after an import.

use std::sync::Arc;

use super::web::{self, AppData};
use super::{Context, Platform, app_pool};
use crate::adapters::http::shared::routes::{Endpoint, NavEntry};
use crate::adapters::http::spatial_catch::{self as pages, SpatialCatchPages};
use crate::adapters::persistence::geography::queries::DieselGeographyQueries;
use crate::adapters::persistence::tracking::queries::DieselTrackingQueries;
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

    fn endpoints(&self) -> Vec<Endpoint> {
        pages::endpoints()
    }

    fn navigation(&self) -> Vec<NavEntry> {
        pages::navigation()
    }

    fn http_data(&self, platform: &Platform) -> anyhow::Result<Vec<AppData>> {
        let pool = app_pool(platform)?;
        Ok(vec![web::data(SpatialCatchPages {
            queries: Arc::new(DieselSpatialCatchQueries::new(pool.clone())),
            tracking: Arc::new(DieselTrackingQueries::new(pool.clone())),
            geography: Arc::new(DieselGeographyQueries::new(pool)),
            prepared: Default::default(),
        })])
    }
}
