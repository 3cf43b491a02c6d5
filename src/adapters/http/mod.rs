//! The HTTP adapter: actix-web application, routes and server-rendered pages.

#[macro_use]
pub mod shared;

pub mod access;
pub mod landings;
pub mod tracking;

use std::sync::Arc;

use actix_files::Files;
use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite, time::Duration};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::adapters::clock::SystemClock;
use crate::adapters::persistence::access::users::{
    DieselAuditLog, DieselJurisdictionDirectory, DieselUserRepository,
};
use crate::adapters::persistence::landings::queries::DieselLandingQueries;
use crate::adapters::persistence::landings::writes::DieselImportUnitOfWork;
use crate::adapters::persistence::shared::{PgPool, ping};
use crate::adapters::persistence::spatial_catch::models::DieselSpatialCatch;
use crate::adapters::persistence::tracking::queries::DieselTrackingQueries;
use crate::adapters::security::input::refuse_nul_input;
use crate::adapters::security::throttle::LoginThrottle;
use crate::adapters::security::{
    csrf::csrf_guard, guard::login_guard, hasher::Argon2idHasher, session_store::PgSessionStore,
};
use crate::application::access::{
    AuditEvent, AuditLog, Clock, JurisdictionDirectory, UserRepository,
};
use crate::application::landings::ports::{LandingQueries, ProjectionUnitOfWork, ReviewUnitOfWork};
use crate::application::landings::review_landing::project_read_models;
use crate::application::spatial_catch::refresh::{SpatialCatchStore, refresh_if_requested};
use crate::application::tracking::ports::TrackingQueries;
use crate::domain::access::PasswordHasher;

/// What every handler can reach.
pub struct AppState {
    /// The application's database pool: role `tasi_app`, filtered by row-level security.
    pub pool: PgPool,
    /// Users, grants, sessions.
    pub users: Arc<dyn UserRepository>,
    /// The jurisdiction tree (geography's published view).
    pub directory: Arc<dyn JurisdictionDirectory>,
    /// The audit log.
    pub audit: Arc<dyn AuditLog>,
    /// The time (injectable in tests).
    pub clock: Arc<dyn Clock>,
    /// Login throttling.
    pub throttle: LoginThrottle,
    /// The address users reach tasi at (`TASI_PUBLIC_URL`), for links shown to be sent on.
    pub public_url: Option<String>,
    /// Password hashing.
    pub hasher: Arc<dyn PasswordHasher>,
    /// Landing queries.
    pub landings: Arc<dyn LandingQueries>,
    /// The transaction of a review (application role, under the reviewer's scope).
    pub reviews: Arc<dyn ReviewUnitOfWork>,
    /// The spatial-catch models' store (owner rights, for the projector only).
    pub spatial: Arc<dyn SpatialCatchStore>,
    /// Tracking and spatial-catch queries.
    pub tracking: Arc<dyn TrackingQueries>,
    /// The read-model projector: rebuilds the summaries with the owner's rights (it reads
    /// every jurisdiction's landings and never serves a user's query).
    pub projector: Arc<dyn ProjectionUnitOfWork>,
    /// True when the data shown is the synthetic demo set (a banner says so on every page).
    pub synthetic: bool,
}

impl AppState {
    /// Wires the adapters: every request's work on `pool` (the application role), the
    /// read-model projector on `owner` (the schemas' owner).
    ///
    /// # Errors
    /// When the password hasher cannot start.
    pub fn new(pool: PgPool, owner: PgPool, synthetic: bool) -> anyhow::Result<Self> {
        Ok(AppState {
            users: Arc::new(DieselUserRepository::new(pool.clone())),
            directory: Arc::new(DieselJurisdictionDirectory::new(pool.clone())),
            audit: Arc::new(DieselAuditLog::new(pool.clone())),
            clock: Arc::new(SystemClock),
            throttle: LoginThrottle::new(),
            public_url: None,
            hasher: Arc::new(Argon2idHasher::new()?),
            landings: Arc::new(DieselLandingQueries::new(pool.clone())),
            reviews: Arc::new(DieselImportUnitOfWork::new(pool.clone())),
            projector: Arc::new(DieselImportUnitOfWork::new(owner.clone())),
            spatial: Arc::new(DieselSpatialCatch::new(owner)),
            tracking: Arc::new(DieselTrackingQueries::new(pool.clone())),
            pool,
            synthetic,
        })
    }

    /// The same state with another clock (tests move time with it).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The same state with the address users reach tasi at.
    pub fn with_public_url(mut self, url: Option<String>) -> Self {
        self.public_url = url.map(|u| u.trim_end_matches('/').to_string());
        self
    }

    /// The same state with another login throttle.
    pub fn with_throttle(mut self, throttle: LoginThrottle) -> Self {
        self.throttle = throttle;
        self
    }

    /// Appends `event` to the audit log off the async workers; a failure is logged.
    pub async fn audit(&self, event: AuditEvent) -> bool {
        let audit = self.audit.clone();
        match web::block(move || audit.record(&event)).await {
            Ok(Ok(())) => true,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "audit log write failed");
                false
            }
            Err(e) => {
                tracing::error!(error = %e, "audit log write failed");
                false
            }
        }
    }
}

/// Idle lifetime of a session without a request (OWASP ASVS 5.0 V7.3.1).
pub const SESSION_IDLE_LIMIT: chrono::Duration = chrono::Duration::minutes(30);
/// Absolute lifetime of a session from login (ASVS V7.3.2).
pub const SESSION_ABSOLUTE_LIMIT: chrono::Duration = chrono::Duration::hours(8);

/// Idle lifetime of a session.
pub const SESSION_IDLE: Duration = Duration::minutes(30);

/// The Content-Security-Policy of every response: no inline script, nothing from outside.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    match web::block(move || ping(&pool)).await {
        Ok(true) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        _ => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unavailable"),
    }
}

/// How the server presents itself: cookie security and HSTS.
#[derive(Debug, Clone, Copy, Default)]
pub struct Transport {
    /// Session cookie `__Host-tasi`, `Secure` (else `tasi`).
    pub secure_cookies: bool,
    /// Send `Strict-Transport-Security` (served over https).
    pub hsts: bool,
}

/// HSTS value: one year, subdomains included (OWASP HTTP Headers Cheat Sheet).
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// How often the server looks for read-model rebuilds that a review asked for but that did
/// not run (the review's own rebuild failed, or the server stopped in between).
pub const PROJECTION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs the read-model projectors now and every [`PROJECTION_INTERVAL`]: the landings
/// summaries (for requests a review's own rebuild left pending), then the spatial-catch
/// models when a review asked for them.
fn spawn_projector(projector: Arc<dyn ProjectionUnitOfWork>, spatial: Arc<dyn SpatialCatchStore>) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(PROJECTION_INTERVAL);
        loop {
            tick.tick().await;
            let (p, s) = (projector.clone(), spatial.clone());
            let outcome = web::block(move || {
                project_read_models(p.as_ref())?;
                refresh_if_requested(s.as_ref())
            })
            .await;
            match outcome {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "read-model projection failed"),
                Err(e) => tracing::warn!(error = %e, "read-model projection did not run"),
            }
        }
    });
}

/// Starts the server on `listener` (port 0 in tests picks a free port).
///
/// # Errors
/// When the listener cannot be used.
pub fn run(
    listener: std::net::TcpListener,
    state: AppState,
    transport: Transport,
) -> std::io::Result<Server> {
    let secure_cookies = transport.secure_cookies;
    spawn_projector(state.projector.clone(), state.spatial.clone());
    let state = web::Data::new(state);
    let key = Key::generate();
    let store = PgSessionStore::new(state.pool.clone());
    let static_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static");
    let server = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(store.clone(), key.clone())
            .cookie_name(if secure_cookies {
                "__Host-tasi".into()
            } else {
                "tasi".into()
            })
            .cookie_secure(secure_cookies)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_path("/".into())
            .cookie_content_security(CookieContentSecurity::Signed)
            .session_lifecycle(
                BrowserSession::default()
                    .state_ttl(SESSION_IDLE)
                    .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
            )
            .build();
        App::new()
            .app_data(state.clone())
            .app_data(web::FormConfig::default().limit(64 * 1024))
            .wrap(from_fn(login_guard))
            .wrap(from_fn(refuse_nul_input))
            .wrap(from_fn(csrf_guard))
            .wrap(sessions)
            .wrap(
                DefaultHeaders::new()
                    .add(("Content-Security-Policy", CSP))
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin"))
                    .add(("X-Frame-Options", "DENY"))
                    .add(("X-XSS-Protection", "0"))
                    .add(("Cache-Control", "no-store")),
            )
            .wrap(Condition::new(
                transport.hsts,
                DefaultHeaders::new().add(("Strict-Transport-Security", HSTS)),
            ))
            .wrap(Compress::default())
            .wrap(TracingLogger::default())
            .route("/healthz", web::get().to(healthz))
            .configure(access::login::routes)
            .configure(access::admin::routes)
            .configure(landings::routes)
            .configure(tracking::routes)
            .service(Files::new("/static", static_dir))
            .default_service(web::to(shared::errors::not_found))
    })
    .listen(listener)?
    .run();
    Ok(server)
}
