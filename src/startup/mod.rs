//! The composition root: builds the application from the list of context modules. Each
//! context registers what it brings (its routes and navigation entries, the state of its
//! pages, its event subscribers, its importers and the reports it adds after an import,
//! its command-line subcommands); the platform wires the one unit of work, the outbox
//! relay and the pools around them. `main.rs` only parses the command line and calls [`cli::run`].

pub mod cli;
pub mod web;

use std::path::Path;
use std::sync::Arc;

use crate::adapters::http::shared::routes::{Endpoint, NavEntry};
use crate::adapters::persistence::shared::{AuditWriter, DieselOutbox, DieselUnitOfWork, PgPool};
use crate::application::ingestion::import_files::{ImportFilesError, import_files};
use crate::application::ingestion::ports::{ImportReporter, Importer};
use crate::application::shared::{Caller, Delivery, Relay, Subscriber};

/// What a context brings to the platform.
pub trait Context: Sync {
    /// The context's name (`landings`).
    fn name(&self) -> &'static str;

    /// The event subscribers the context registers, writing through `uow` (the system's).
    fn subscribers(&self, _uow: &Arc<DieselUnitOfWork>) -> Vec<Arc<dyn Subscriber>> {
        Vec::new()
    }

    /// The importers of the outside formats the context reads, writing through `uow`.
    fn importers(&self, _uow: &Arc<DieselUnitOfWork>) -> Vec<Arc<dyn Importer>> {
        Vec::new()
    }

    /// The reports the context adds after an import, reading through `owner`.
    fn reporters(&self, _owner: &PgPool) -> Vec<Arc<dyn ImportReporter>> {
        Vec::new()
    }

    /// The routes of the context's pages (its route table).
    fn endpoints(&self) -> Vec<Endpoint> {
        Vec::new()
    }

    /// The context's entries in the navigation bar.
    fn navigation(&self) -> Vec<NavEntry> {
        Vec::new()
    }

    /// The state the context's pages reach (its query ports on the application role's
    /// pool), registered as application data.
    ///
    /// # Errors
    /// When the platform lacks what the state needs.
    fn http_data(&self, _platform: &Platform) -> anyhow::Result<Vec<web::AppData>> {
        Ok(Vec::new())
    }

    /// The sources the context's importers read, as `tasi import SOURCE LOCATION` offers
    /// them.
    fn import_sources(&self) -> Vec<cli::ImportSource> {
        Vec::new()
    }

    /// The context's own command-line subcommands (`tasi users …` for access).
    fn commands(&self) -> Vec<clap::Command> {
        Vec::new()
    }

    /// Runs `command` with `args` when it is one of the context's subcommands; `None` when
    /// it is not.
    fn run_command(
        &self,
        _env: &cli::CliEnv,
        _command: &str,
        _args: &clap::ArgMatches,
    ) -> Option<anyhow::Result<()>> {
        None
    }

    /// The writer of the audit log, when the context keeps it (access does): the unit of
    /// work writes every audit entry through it.
    fn audit_log(&self) -> Option<AuditWriter> {
        None
    }

    /// True when the data the context holds are a synthetic demonstration set (every page
    /// then says so).
    ///
    /// # Errors
    /// When the database fails.
    fn holds_synthetic_data(&self, _platform: &Platform) -> anyhow::Result<bool> {
        Ok(false)
    }

    /// The demo's first step: the context brings its data (from `data`, or a synthetic set
    /// when there is none there); the lines to print.
    ///
    /// # Errors
    /// When the data cannot be imported.
    fn demo_data(&self, _platform: &Platform, _data: Option<&Path>) -> anyhow::Result<Vec<String>> {
        Ok(Vec::new())
    }

    /// The demo's second step, once every context has its data: the context prepares what
    /// a visitor needs (access: an admin to log in as); the lines to print.
    ///
    /// # Errors
    /// When it cannot be prepared.
    fn demo_visit(&self, _platform: &Platform) -> anyhow::Result<Vec<String>> {
        Ok(Vec::new())
    }
}

/// The audit log's writer, registered by the context that keeps the log; without one,
/// writing an audit entry fails (and so does the unit of work that writes it).
fn audit_writer() -> AuditWriter {
    contexts()
        .iter()
        .find_map(|c| c.audit_log())
        .unwrap_or(no_audit_log)
}

fn no_audit_log(
    _conn: &mut diesel::PgConnection,
    _caller: &crate::application::shared::Caller,
    _entries: &[crate::application::shared::AuditEntry],
) -> Result<(), crate::application::shared::StoreError> {
    Err(crate::application::shared::StoreError::permanent(
        "no context keeps an audit log",
    ))
}

/// The application role's pool of `platform`, which pages need.
///
/// # Errors
/// When the platform has none (a command-line process).
pub fn app_pool(platform: &Platform) -> anyhow::Result<PgPool> {
    platform
        .app_pool()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("pages need the application role's pool"))
}

/// Declares the context modules and lists them, in order (the order their importers run
/// and their subscribers are served in): adding a context is one name here.
macro_rules! contexts {
    ($($name:ident),* $(,)?) => {
        $(mod $name;)*

        /// Every context of the application, in order.
        pub fn contexts() -> Vec<&'static dyn Context> {
            vec![$(&$name::CONTEXT),*]
        }
    };
}

// One line: a context registers itself here with its name alone (tests/contexts.rs).
#[rustfmt::skip]
contexts![access, geography, landings, tracking, spatial_catch, estimation];

/// The platform every context runs on: the pools, the one unit of work, the relay, and
/// what the contexts registered.
pub struct Platform {
    app: Option<PgPool>,
    owner: Option<PgPool>,
    uow: Arc<DieselUnitOfWork>,
    relay: Arc<Relay>,
    wake: Arc<tokio::sync::Notify>,
    importers: Vec<Arc<dyn Importer>>,
    reporters: Vec<Arc<dyn ImportReporter>>,
}

/// Connections of the owner's pool: the command line's work, plus the relay and a
/// subscriber's unit of work at the same time.
pub const OWNER_POOL_SIZE: u32 = 4;

impl Platform {
    /// The platform on `app` (the application role's pool, for users' requests) and
    /// `owner` (the schemas' owner, for imports, the relay and its subscribers). A
    /// command-line process has only the owner's.
    pub fn new(app: Option<PgPool>, owner: Option<PgPool>) -> Self {
        let base = DieselUnitOfWork::new(app.clone(), owner.clone(), audit_writer());
        let system = Arc::new(base.clone());
        let mut subscribers = Vec::new();
        let mut importers = Vec::new();
        let mut reporters = Vec::new();
        for c in contexts() {
            subscribers.extend(c.subscribers(&system));
            importers.extend(c.importers(&system));
            if let Some(owner) = &owner {
                reporters.extend(c.reporters(owner));
            }
        }
        let outbox = owner.clone().map(DieselOutbox::new);
        let relay = Arc::new(match outbox {
            Some(outbox) => Relay::new(Arc::new(outbox), subscribers),
            None => Relay::new(Arc::new(NoOutbox), Vec::new()),
        });
        let wake = Arc::new(tokio::sync::Notify::new());
        let w = wake.clone();
        let uow = Arc::new(base.on_commit(Arc::new(move || w.notify_one())));
        Platform {
            app,
            owner,
            uow,
            relay,
            wake,
            importers,
            reporters,
        }
    }

    /// The one unit of work.
    pub fn uow(&self) -> &Arc<DieselUnitOfWork> {
        &self.uow
    }

    /// The relay of the outbox's events to the subscribers.
    pub fn relay(&self) -> &Arc<Relay> {
        &self.relay
    }

    /// Notified after each commit that published events.
    pub fn wake(&self) -> &Arc<tokio::sync::Notify> {
        &self.wake
    }

    /// The application role's pool, when this process has one.
    pub fn app_pool(&self) -> Option<&PgPool> {
        self.app.as_ref()
    }

    /// The owner's pool, when this process has one.
    pub fn owner_pool(&self) -> Option<&PgPool> {
        self.owner.as_ref()
    }

    /// Delivers every pending event to its subscribers now.
    pub fn deliver(&self) -> Vec<Delivery> {
        self.relay.deliver_pending()
    }

    /// Imports `location` of `source` (`peskaas`, `pds-trips`, `pds-points`) as `caller`,
    /// with every importer registered for it, then delivers the events and gathers the
    /// reports: the lines to print.
    ///
    /// # Errors
    /// [`ImportFilesError`] when no importer reads `source`, or one failed.
    pub fn import(
        &self,
        caller: &Caller,
        source: &str,
        location: &Path,
    ) -> Result<Vec<String>, ImportFilesError> {
        let importers: Vec<&dyn Importer> = self.importers.iter().map(|i| i.as_ref()).collect();
        let reporters: Vec<&dyn ImportReporter> =
            self.reporters.iter().map(|r| r.as_ref()).collect();
        import_files(
            self.uow.as_ref(),
            &importers,
            &reporters,
            &self.relay,
            caller,
            source,
            location,
        )
    }

    /// The sources some importer reads, in registration order, without repeats.
    pub fn sources(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for i in &self.importers {
            if !out.contains(&i.source()) {
                out.push(i.source());
            }
        }
        out
    }
}

/// The outbox of a process without the owner's pool: it delivers nothing (the relay runs
/// where the owner's connections are).
struct NoOutbox;

impl crate::application::shared::Outbox for NoOutbox {
    fn deliver(
        &self,
        _subscriber: &str,
        _types: &[&str],
        _limit: usize,
        _deliver: &mut dyn FnMut(
            &[crate::application::shared::StoredEvent],
        ) -> Result<(), crate::application::shared::StoreError>,
    ) -> Result<usize, crate::application::shared::StoreError> {
        Ok(0)
    }
}
