//! The tracking context's module: its importers (PeskAAS tracked trips, PDS trips and
//! points).

use std::sync::Arc;

use super::Context;
use crate::adapters::importers::tracking::importer::{
    PdsPoints, PdsTrips, PeskaasTracks, TrackImports,
};
use crate::adapters::persistence::shared::DieselUnitOfWork;
use crate::application::ingestion::ports::Importer;

/// The tracking context.
pub struct Tracking;

/// The module, as the list of contexts names it.
pub static CONTEXT: Tracking = Tracking;

impl Context for Tracking {
    fn name(&self) -> &'static str {
        "tracking"
    }

    fn importers(&self, uow: &Arc<DieselUnitOfWork>) -> Vec<Arc<dyn Importer>> {
        let imports = TrackImports::new(uow.clone());
        vec![
            Arc::new(PeskaasTracks(imports.clone())),
            Arc::new(PdsTrips(imports.clone())),
            Arc::new(PdsPoints(imports)),
        ]
    }
}
