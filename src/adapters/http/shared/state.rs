//! What every handler can reach, whatever its context: the unit of work and the relay, the
//! clock, the login throttle, password hashing, the navigation and the public routes. Each
//! context registers its own state beside it (its query ports).

use std::sync::Arc;

use actix_session::Session;
use actix_web::web;

use super::caller::CurrentUser;
use super::routes::{NavEntry, PublicRoutes};
use super::views::Chrome;
use crate::adapters::clock::SystemClock;
use crate::adapters::persistence::shared::{DieselUnitOfWork, PgPool};
use crate::adapters::security::csrf;
use crate::adapters::security::hasher::Argon2idHasher;
use crate::adapters::security::throttle::LoginThrottle;
use crate::application::shared::{
    AuditEntry, Caller, Clock, Relay, StoreError, Transaction, UnitOfWork, chain,
};
use crate::domain::access::PasswordHasher;

/// What every handler can reach.
pub struct AppState {
    /// The application's database pool: role `tasi_app`, filtered by row-level security.
    pub pool: PgPool,
    /// The one unit of work: users' work on the application role's pool under their scope,
    /// the system's on the owner's.
    pub uow: Arc<DieselUnitOfWork>,
    /// The relay of the outbox's events to the subscribers.
    pub relay: Arc<Relay>,
    /// Woken after each commit that published events.
    pub wake: Arc<tokio::sync::Notify>,
    /// The time (injectable in tests).
    pub clock: Arc<dyn Clock>,
    /// Login throttling.
    pub throttle: LoginThrottle,
    /// The address users reach tasi at (`TASI_PUBLIC_URL`), for links shown to be sent on.
    pub public_url: Option<String>,
    /// Password hashing.
    pub hasher: Arc<dyn PasswordHasher>,
    /// True when the data shown is the synthetic demo set (a banner says so on every page).
    pub synthetic: bool,
    /// The navigation entries the contexts registered, in order.
    pub nav: Arc<Vec<NavEntry>>,
    /// The routes the login guard lets through without a login.
    pub public: PublicRoutes,
    /// The refusals audited in the current minute, by user and route.
    pub refusals: RefusalLog,
}

/// Which refusals of logged-in users were audited this minute: at most one entry per user,
/// route and minute (a user who reloads a refused page does not grow the log).
#[derive(Default)]
pub struct RefusalLog(dashmap::DashMap<(uuid::Uuid, String), i64>);

impl RefusalLog {
    /// True the first time `user` is refused `route` in the minute of `now`.
    pub fn first_this_minute(
        &self,
        user: uuid::Uuid,
        route: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        let minute = now.timestamp().div_euclid(60);
        if self.0.len() > 10_000 {
            self.0.retain(|_, m| *m == minute);
        }
        match self.0.insert((user, route.to_string()), minute) {
            Some(before) => before != minute,
            None => true,
        }
    }
}

impl AppState {
    /// The state on the application role's `pool` with the platform's `uow`, `relay` and
    /// `wake`, the contexts' navigation `nav` and public routes `public`.
    ///
    /// # Errors
    /// When the password hasher cannot start.
    pub fn new(
        pool: PgPool,
        (uow, relay, wake): (Arc<DieselUnitOfWork>, Arc<Relay>, Arc<tokio::sync::Notify>),
        nav: Vec<NavEntry>,
        public: PublicRoutes,
        synthetic: bool,
    ) -> anyhow::Result<Self> {
        Ok(AppState {
            pool,
            uow,
            relay,
            wake,
            clock: Arc::new(SystemClock),
            throttle: LoginThrottle::new(),
            public_url: None,
            hasher: Arc::new(Argon2idHasher::new()?),
            synthetic,
            nav: Arc::new(nav),
            public,
            refusals: RefusalLog::default(),
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

    /// The layout of a page for `user` with `active` highlighted: the navigation shows only
    /// the entries whose permission the user holds somewhere.
    pub fn chrome(&self, user: &CurrentUser, session: &Session, active: &'static str) -> Chrome {
        Chrome {
            user: Some(user.user.email.to_string()),
            csrf: csrf::token(session),
            synthetic: self.synthetic,
            active,
            nav: Arc::new(
                self.nav
                    .iter()
                    .filter(|e| user.grants.any(e.needs))
                    .cloned()
                    .collect(),
            ),
        }
    }

    /// Writes `entry` to the audit log in a unit of work of its own (for what changes no
    /// state of ours: logins, refusals, exports), off the async workers; a failure is
    /// logged. The entry names its actor.
    pub async fn audit(&self, entry: AuditEntry) -> bool {
        let uow = self.uow.clone();
        let caller = Caller::anonymous(entry.actor.as_deref().unwrap_or_default());
        let written = crate::adapters::http::shared::support::blocking(move || {
            uow.run(&caller, |tx| {
                tx.audit(entry.clone());
                Ok::<_, StoreError>(())
            })
        })
        .await;
        match written {
            Ok(Ok(())) => true,
            Ok(Err(e)) => {
                tracing::error!(error = %chain(&e), "audit log write failed");
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
