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
    DieselAccounts, DieselAdminQueries, DieselJurisdictionDirectory,
};
use crate::adapters::persistence::landings::queries::DieselLandingQueries;
use crate::adapters::persistence::shared::{DieselUnitOfWork, PgPool, ping};
use crate::adapters::persistence::spatial_catch::queries::DieselSpatialCatchQueries;
use crate::adapters::persistence::tracking::queries::DieselTrackingQueries;
use crate::adapters::security::input::refuse_nul_input;
use crate::adapters::security::throttle::LoginThrottle;
use crate::adapters::security::{
    csrf::csrf_guard, guard::login_guard, hasher::Argon2idHasher, session_store::PgSessionStore,
};
use crate::application::access::ports::{Accounts, AdminQueries, JurisdictionDirectory};
use crate::application::landings::ports::LandingQueries;
use crate::application::shared::{
    AuditEntry, Caller, Clock, Relay, StoreError, Transaction, UnitOfWork,
};
use crate::application::spatial_catch::ports::SpatialCatchQueries;
use crate::application::tracking::ports::TrackingQueries;
use crate::domain::access::PasswordHasher;
use crate::startup::Platform;

/// What every handler can reach.
pub struct AppState {
    /// The application's database pool: role `tasi_app`, filtered by row-level security.
    pub pool: PgPool,
    /// The one unit of work: users' work on the application role's pool under their scope,
    /// the system's (projectors) on the owner's.
    pub uow: Arc<DieselUnitOfWork>,
    /// The relay of the outbox's events to the projectors.
    pub relay: Arc<Relay>,
    /// Woken after each commit that published events.
    pub wake: Arc<tokio::sync::Notify>,
    /// Reads of accounts (login, the login guard).
    pub accounts: Arc<dyn Accounts>,
    /// The jurisdiction tree (geography's published view).
    pub directory: Arc<dyn JurisdictionDirectory>,
    /// Reads of the admin pages.
    pub admin: Arc<dyn AdminQueries>,
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
    /// Tracking queries.
    pub tracking: Arc<dyn TrackingQueries>,
    /// Spatial-catch queries.
    pub spatial: Arc<dyn SpatialCatchQueries>,
    /// True when the data shown is the synthetic demo set (a banner says so on every page).
    pub synthetic: bool,
}

impl AppState {
    /// Wires the adapters on `platform`: every request's work on the application role's
    /// pool, the relay and its subscribers on the owner's.
    ///
    /// # Errors
    /// When the platform has no application pool, or the password hasher cannot start.
    pub fn new(platform: &Platform, synthetic: bool) -> anyhow::Result<Self> {
        let pool = platform
            .app_pool()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("serving needs the application role's pool"))?;
        Ok(AppState {
            accounts: Arc::new(DieselAccounts::new(pool.clone())),
            directory: Arc::new(DieselJurisdictionDirectory::new(pool.clone())),
            admin: Arc::new(DieselAdminQueries::new(pool.clone())),
            clock: Arc::new(SystemClock),
            throttle: LoginThrottle::new(),
            public_url: None,
            hasher: Arc::new(Argon2idHasher::new()?),
            landings: Arc::new(DieselLandingQueries::new(pool.clone())),
            tracking: Arc::new(DieselTrackingQueries::new(pool.clone())),
            spatial: Arc::new(DieselSpatialCatchQueries::new(pool.clone())),
            uow: platform.uow().clone(),
            relay: platform.relay().clone(),
            wake: platform.wake().clone(),
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

    /// Writes `entry` to the audit log in a unit of work of its own (for what changes no
    /// state of ours: logins, refusals, exports), off the async workers; a failure is
    /// logged. The entry names its actor.
    pub async fn audit(&self, entry: AuditEntry) -> bool {
        let uow = self.uow.clone();
        let caller = Caller::anonymous(entry.actor.as_deref().unwrap_or_default());
        let written = web::block(move || {
            uow.run(&caller, |tx| {
                tx.audit(entry.clone());
                Ok::<_, StoreError>(())
            })
        })
        .await;
        match written {
            Ok(Ok(())) => true,
            Ok(Err(e)) => {
                tracing::error!(error = %crate::application::shared::chain(&e), "audit log write failed");
                false
            }
            Err(e) => {
                tracing::error!(error = %e, "audit log write failed");
                false
            }
        }
    }

    /// Lets the relay deliver what is pending now (after a user's change, so that their
    /// next page shows its effect), off the async workers.
    pub async fn deliver_events(&self) {
        let relay = self.relay.clone();
        if let Err(e) = web::block(move || relay.deliver_pending()).await {
            tracing::warn!(error = %e, "the relay did not run");
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

/// How often the relay looks for events published by other processes (those of this
/// process wake it at once).
pub const RELAY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs the relay now, after each commit that published events, and every
/// [`RELAY_INTERVAL`].
fn spawn_relay(relay: Arc<Relay>, wake: Arc<tokio::sync::Notify>) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(RELAY_INTERVAL);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = wake.notified() => {}
            }
            let r = relay.clone();
            if let Err(e) = web::block(move || r.deliver_pending()).await {
                tracing::warn!(error = %e, "the relay did not run");
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
    spawn_relay(state.relay.clone(), state.wake.clone());
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
