//! The route table: every route of every context is an [`Endpoint`] in it, and the
//! application is built from the table alone, so no route can be added beside the login
//! guard and the CSRF check (`tests/routes.rs` walks the same table). Navigation entries
//! are registered the same way.

use std::sync::Arc;

use crate::domain::access::Permission;
use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder, Route, web};

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not (the login form, a set-password link, the health check).
    Public,
    /// A logged-in user; anyone else is sent to the login form. What they may do beyond
    /// that is the handler's check of their permission and scope.
    LoggedIn,
}

/// One route: its method, its path pattern (actix syntax, `/landings/{id}`), who may call
/// it, and how to build its handler (once per server worker).
#[derive(Clone)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The path pattern.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    route: Arc<dyn Fn() -> Route + Send + Sync>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({:?})", self.method, self.path, self.access)
    }
}

impl Endpoint {
    fn new<F, Args>(method: Method, path: &'static str, access: Access, handler: F) -> Self
    where
        F: Handler<Args> + Send + Sync,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let m = method.clone();
        Endpoint {
            method,
            path,
            access,
            route: Arc::new(move || web::method(m.clone()).to(handler.clone())),
        }
    }

    /// A GET route for logged-in users.
    pub fn get<F, Args>(path: &'static str, handler: F) -> Self
    where
        F: Handler<Args> + Send + Sync,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Endpoint::new(Method::GET, path, Access::LoggedIn, handler)
    }

    /// A POST route for logged-in users (the CSRF check applies).
    pub fn post<F, Args>(path: &'static str, handler: F) -> Self
    where
        F: Handler<Args> + Send + Sync,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Endpoint::new(Method::POST, path, Access::LoggedIn, handler)
    }

    /// A GET route anyone may call.
    pub fn public_get<F, Args>(path: &'static str, handler: F) -> Self
    where
        F: Handler<Args> + Send + Sync,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Endpoint::new(Method::GET, path, Access::Public, handler)
    }

    /// A POST route anyone may call (the CSRF check still applies).
    pub fn public_post<F, Args>(path: &'static str, handler: F) -> Self
    where
        F: Handler<Args> + Send + Sync,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        Endpoint::new(Method::POST, path, Access::Public, handler)
    }

    /// Registers the route on `cfg`.
    pub fn register(&self, cfg: &mut web::ServiceConfig) {
        cfg.route(self.path, (self.route)());
    }
}

/// The routes anyone may call, as (method, pattern): what the login guard lets through.
#[derive(Debug, Clone, Default)]
pub struct PublicRoutes(Vec<(Method, &'static str)>);

impl PublicRoutes {
    /// The public routes of `endpoints`.
    pub fn of(endpoints: &[Endpoint]) -> Self {
        PublicRoutes(
            endpoints
                .iter()
                .filter(|e| e.access == Access::Public)
                .map(|e| (e.method.clone(), e.path))
                .collect(),
        )
    }

    /// True when a request of `method` matched `pattern`, a public route's.
    pub fn allows(&self, method: &Method, pattern: &str) -> bool {
        self.0.iter().any(|(m, p)| m == method && *p == pattern)
    }
}

/// An entry of the navigation bar, registered by a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavEntry {
    /// Where it sorts: lower first.
    pub order: u16,
    /// The key pages name to highlight it (`landings`).
    pub key: &'static str,
    /// The text shown.
    pub label: &'static str,
    /// Where it leads.
    pub href: &'static str,
    /// The permission the page needs: the entry is shown only to users who hold it
    /// somewhere.
    pub needs: Permission,
}
