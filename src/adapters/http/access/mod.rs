//! Pages of the access context: login and logout, administration of users, grants and
//! sessions, set-password links and the audit log; and the login guard in front of every
//! route.

pub mod account;
pub mod admin;
pub mod guard;
pub mod login;

use std::sync::Arc;

use crate::adapters::http::shared::routes::{Endpoint, NavEntry};
use crate::application::access::ports::{Accounts, AdminQueries, JurisdictionDirectory};
use crate::domain::access::Permission;

/// What the access pages (and the login guard) reach beside the shared state.
pub struct AccessPages {
    /// Reads of accounts (logging in, the login guard).
    pub accounts: Arc<dyn Accounts>,
    /// The jurisdiction tree (geography's published view).
    pub directory: Arc<dyn JurisdictionDirectory>,
    /// Reads of the admin pages.
    pub admin: Arc<dyn AdminQueries>,
}

/// The routes of the access pages.
pub fn endpoints() -> Vec<Endpoint> {
    let mut all = login::endpoints();
    all.extend(account::endpoints());
    all.extend(admin::endpoints());
    all
}

/// The navigation entry of the admin pages.
pub fn navigation() -> Vec<NavEntry> {
    vec![NavEntry {
        order: 90,
        key: "admin",
        label: "Admin",
        href: "/admin/users",
        needs: Permission::ManageUsers,
    }]
}
