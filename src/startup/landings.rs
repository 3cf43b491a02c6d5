//! The landings context's module: its pages, its summary projector and its PeskAAS
//! importer.

use std::path::Path;
use std::sync::Arc;

use super::cli::ImportSource;
use super::web::{self, AppData};
use super::{Context, Platform, app_pool};
use crate::adapters::http::landings::{self as pages, LandingsPages};
use crate::adapters::http::shared::routes::{Endpoint, NavEntry};
use crate::adapters::importers::landings::importer::{PeskaasLandings, report_lines};
use crate::adapters::importers::landings::synthetic;
use crate::adapters::importers::landings::peskaas;
use crate::adapters::persistence::geography::queries::DieselGeographyQueries;
use crate::adapters::persistence::landings::queries::{
    DieselLandingQueries, holds_synthetic_data,
};
use crate::adapters::persistence::shared::DieselUnitOfWork;
use crate::application::ingestion::ports::Importer;
use crate::application::landings::project_summaries::SummaryProjector;
use crate::application::shared::{Caller, Subscriber};

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

    fn import_sources(&self) -> Vec<ImportSource> {
        vec![ImportSource {
            source: peskaas::SOURCE,
            about: "The PeskAAS tables: municipalities.geojson, stations.csv, species.csv, \
                    trips.csv, catches.csv (and tracked_trips.csv, fleet_census.csv when present)",
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
        Ok(vec![web::data(LandingsPages {
            queries: Arc::new(DieselLandingQueries::new(pool.clone())),
            geography: Arc::new(DieselGeographyQueries::new(pool)),
            dashboards: Default::default(),
            summaries: Default::default(),
            choices: Default::default(),
        })])
    }

    fn holds_synthetic_data(&self, platform: &Platform) -> anyhow::Result<bool> {
        // Asked of every row, whoever may see it: as the owner, since row-level security
        // shows the application role nothing before a user's scope is set.
        let pool = match platform.owner_pool() {
            Some(owner) => owner.clone(),
            None => app_pool(platform)?,
        };
        Ok(holds_synthetic_data(&pool)?)
    }

    fn demo_data(&self, platform: &Platform, data: Option<&Path>) -> anyhow::Result<Vec<String>> {
        if let Some(data) = data {
            // The PeskAAS data, through every importer of the source (tracked trips too).
            let mut lines = vec![format!("importing {}", data.display())];
            lines.extend(platform.import(&Caller::system("demo"), peskaas::SOURCE, data)?);
            return Ok(lines);
        }
        let dir = std::env::temp_dir().join("tasi-synthetic");
        let mut lines = vec![format!(
            "generating a SYNTHETIC data set in {}",
            dir.display()
        )];
        synthetic::write(&dir, 3000, chrono::Utc::now().date_naive())?;
        let report = PeskaasLandings::new(platform.uow().clone(), synthetic::SOURCE)
            .import_dir(&Caller::system("demo"), &dir)?;
        platform.deliver();
        lines.extend(report_lines(&report));
        Ok(lines)
    }
}
