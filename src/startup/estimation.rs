//! The estimation context's module: its importer (the PeskAAS fleet census) and its pages.

use std::sync::Arc;

use super::cli::ImportSource;
use super::web::{self, AppData};
use super::{Context, Platform, app_pool};
use crate::adapters::http::estimation::{self as pages, EstimationPages};
use crate::adapters::http::shared::routes::{Endpoint, NavEntry};
use crate::adapters::importers::estimation::fleet_census::PeskaasFleetCensus;
use crate::adapters::persistence::estimation::DieselEstimationQueries;
use crate::adapters::persistence::shared::DieselUnitOfWork;
use crate::application::ingestion::ports::Importer;

/// The estimation context.
pub struct Estimation;

/// The module, as the list of contexts names it.
pub static CONTEXT: Estimation = Estimation;

impl Context for Estimation {
    fn name(&self) -> &'static str {
        "estimation"
    }

    fn importers(&self, uow: &Arc<DieselUnitOfWork>) -> Vec<Arc<dyn Importer>> {
        vec![Arc::new(PeskaasFleetCensus(uow.clone()))]
    }

    fn import_sources(&self) -> Vec<ImportSource> {
        vec![ImportSource {
            source: "peskaas",
            about: "The PeskAAS tables, with fleet_census.csv (the fleet census by municipality)",
            location: "DIR",
            location_help: "The directory holding the files",
        }]
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        pages::endpoints()
    }

    fn navigation(&self) -> Vec<NavEntry> {
        pages::navigation()
    }

    fn http_data(&self, platform: &Platform) -> anyhow::Result<Vec<AppData>> {
        let pool = app_pool(platform)?;
        let queries = Arc::new(DieselEstimationQueries::new(pool));
        Ok(vec![web::data(EstimationPages {
            queries: queries.clone(),
            peskas: queries,
        })])
    }
}
