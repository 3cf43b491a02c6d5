//! The landings context's module: its summary projector and its PeskAAS importer.

use std::sync::Arc;

use super::Context;
use crate::adapters::importers::landings::importer::PeskaasLandings;
use crate::adapters::importers::landings::peskaas;
use crate::adapters::persistence::shared::DieselUnitOfWork;
use crate::application::ingestion::ports::Importer;
use crate::application::landings::project_summaries::SummaryProjector;
use crate::application::shared::Subscriber;

/// The landings context.
pub struct Landings;

/// The module, as the list of contexts names it.
pub static CONTEXT: Landings = Landings;

impl Context for Landings {
    fn name(&self) -> &'static str {
        "landings"
    }

    fn subscribers(&self, uow: &Arc<DieselUnitOfWork>) -> Vec<Arc<dyn Subscriber>> {
        vec![Arc::new(SummaryProjector::new(uow.clone()))]
    }

    fn importers(&self, uow: &Arc<DieselUnitOfWork>) -> Vec<Arc<dyn Importer>> {
        vec![Arc::new(PeskaasLandings::new(uow.clone(), peskaas::SOURCE))]
    }
}
