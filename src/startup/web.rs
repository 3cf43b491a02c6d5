//! The web application built from the contexts: every context's state and endpoints, the
//! navigation they register, the login guard, CSRF, sessions and security headers around
//! them, and the relay running beside them.

use std::sync::Arc;

use actix_files::Files;
use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite, time::Duration};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::adapters::http::shared::request_span::RouteSpan;

use super::{Platform, contexts};
use crate::adapters::http::access::guard::login_guard;
use crate::adapters::http::shared::errors;
use crate::adapters::http::shared::routes::{Endpoint, NavEntry, PublicRoutes};
use crate::adapters::http::shared::state::AppState;
use crate::adapters::persistence::access::sessions::PgSessionStore;
use crate::adapters::persistence::shared::ping;
use crate::adapters::security::csrf::{PreloginCookies, csrf_guard};
use crate::adapters::security::input::refuse_nul_input;
use crate::adapters::security::throttle::LoginThrottle;
use crate::application::shared::{Clock, Relay};

/// Registers a context's state (its query ports) as application data.
pub type AppData = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

/// The state a context's pages reach, registered once for every server worker.
pub fn data<T: Send + Sync + 'static>(value: T) -> AppData {
    let data = web::Data::new(value);
    Arc::new(move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(data.clone());
    })
}

/// Idle lifetime of a session.
pub const SESSION_IDLE: Duration = Duration::minutes(30);

/// The Content-Security-Policy of every response: no inline script, nothing from outside.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// HSTS value: one year, subdomains included (OWASP HTTP Headers Cheat Sheet).
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// How often the relay looks for events published by other processes (those of this
/// process wake it at once).
pub const RELAY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// How the server presents itself: the session cookie's key and security, and HSTS.
#[derive(Clone)]
pub struct Transport {
    /// The key that signs session cookies: every process serving one database must use the
    /// same (`TASI_SESSION_KEY`), so that a session survives a restart and any process
    /// serves it.
    pub session_key: Key,
    /// Session cookie `__Host-tasi`, `Secure` (else `tasi`).
    pub secure_cookies: bool,
    /// Send `Strict-Transport-Security` (served over https).
    pub hsts: bool,
}

impl Transport {
    /// Plain http on a trusted machine, with a key made for this process only (tests).
    pub fn local() -> Self {
        Transport {
            session_key: Key::generate(),
            secure_cookies: false,
            hsts: false,
        }
    }
}

/// The routes of every context, in the contexts' order, and the health check.
pub fn endpoints() -> Vec<Endpoint> {
    let mut all = vec![Endpoint::public_get("/healthz", healthz)];
    for c in contexts() {
        all.extend(c.endpoints());
    }
    all
}

/// The navigation entries of every context, in their order.
pub fn navigation() -> Vec<NavEntry> {
    let mut all: Vec<NavEntry> = contexts().iter().flat_map(|c| c.navigation()).collect();
    all.sort_by_key(|n| n.order);
    all
}

/// The web application of a platform: the shared state, each context's state, the routes.
pub struct WebApp {
    state: AppState,
    data: Vec<AppData>,
    endpoints: Vec<Endpoint>,
}

impl WebApp {
    /// The application on `platform` (which must have the application role's pool);
    /// `synthetic` puts the "synthetic data" banner on every page.
    ///
    /// # Errors
    /// When the platform has no application pool, or a context's state cannot be built.
    pub fn new(platform: &Platform, synthetic: bool) -> anyhow::Result<Self> {
        let pool = platform
            .app_pool()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("serving needs the application role's pool"))?;
        let endpoints = endpoints();
        let state = AppState::new(
            pool,
            (
                platform.uow().clone(),
                platform.relay().clone(),
                platform.wake().clone(),
            ),
            navigation(),
            PublicRoutes::of(&endpoints),
            synthetic,
        )?;
        let mut data = Vec::new();
        for c in contexts() {
            data.extend(c.http_data(platform)?);
        }
        Ok(WebApp {
            state,
            data,
            endpoints,
        })
    }

    /// The same application with another clock (tests move time with it).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.state = self.state.with_clock(clock);
        self
    }

    /// The same application with the address users reach it at.
    pub fn with_public_url(mut self, url: Option<String>) -> Self {
        self.state = self.state.with_public_url(url);
        self
    }

    /// The same application with another login throttle.
    pub fn with_throttle(mut self, throttle: LoginThrottle) -> Self {
        self.state = self.state.with_throttle(throttle);
        self
    }
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    match crate::adapters::http::shared::support::blocking(move || ping(&pool)).await {
        Ok(true) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        _ => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unavailable"),
    }
}

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

/// Starts `app` on `listener` (port 0 in tests picks a free port), with the relay running
/// beside it.
///
/// # Errors
/// When the listener cannot be used.
pub fn run(
    listener: std::net::TcpListener,
    app: WebApp,
    transport: Transport,
) -> std::io::Result<Server> {
    let WebApp {
        state,
        data,
        endpoints,
    } = app;
    let secure_cookies = transport.secure_cookies;
    spawn_relay(state.relay.clone(), state.wake.clone());
    let state = web::Data::new(state);
    let key = transport.session_key.clone();
    let store = PgSessionStore::new(state.pool.clone());
    let prelogin = web::Data::new(PreloginCookies::new(key.clone(), secure_cookies));
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
                    // The row's lifetime moves with its state, which the login guard
                    // writes once a minute while the user is active: most requests write
                    // nothing.
                    .state_ttl_extension_policy(TtlExtensionPolicy::OnStateChanges),
            )
            .build();
        let (data, endpoints) = (data.clone(), endpoints.clone());
        App::new()
            .app_data(state.clone())
            .app_data(prelogin.clone())
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
            .wrap(TracingLogger::<RouteSpan>::new())
            .configure(move |cfg| {
                for d in &data {
                    d(cfg);
                }
                for e in &endpoints {
                    e.register(cfg);
                }
            })
            .service(Files::new("/static", static_dir))
            .default_service(web::to(errors::not_found))
    })
    .listen(listener)?
    .run();
    Ok(server)
}
