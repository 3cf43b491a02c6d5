//! The tracking context's module: its pages and its importers (PeskAAS tracked trips, PDS
//! trips and points).

use std::sync::Arc;

use super::cli::ImportSource;
use super::web::{self, AppData};
use super::{Context, Platform, app_pool};
use crate::adapters::http::shared::routes::Endpoint;
use crate::adapters::http::tracking::{self as pages, TrackingPages};
use crate::adapters::importers::tracking::importer::{
    PdsPoints, PdsTrips, PeskaasTracks, TrackImports,
};
use crate::adapters::persistence::geography::queries::DieselGeographyQueries;
use crate::adapters::persistence::shared::DieselUnitOfWork;
use crate::adapters::persistence::tracking::queries::DieselTrackingQueries;
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

    fn import_sources(&self) -> Vec<ImportSource> {
        vec![
            ImportSource {
                source: "peskaas",
                about: "The PeskAAS tables, with tracked_trips.csv",
                location: "DIR",
                location_help: "The directory holding the files",
            },
            ImportSource {
                source: "pds-trips",
                about: "A Pelagic Data Systems trips export (CSV: Trip, Started, Ended, Boat, …, IMEI)",
                location: "FILE",
                location_help: "The CSV file",
            },
            ImportSource {
                source: "pds-points",
                about: "A Pelagic Data Systems points export (CSV: Time, Boat, Trip, Lat, Lng, \
                        Speed (M/S), Range (Meters), Heading, …); re-importing a file replaces \
                        its trips' positions",
                location: "FILE",
                location_help: "The points file",
            },
        ]
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        pages::endpoints()
    }

    fn http_data(&self, platform: &Platform) -> anyhow::Result<Vec<AppData>> {
        let pool = app_pool(platform)?;
        Ok(vec![web::data(TrackingPages {
            queries: Arc::new(DieselTrackingQueries::new(pool.clone())),
            geography: Arc::new(DieselGeographyQueries::new(pool)),
        })])
    }
}
