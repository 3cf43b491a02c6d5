//! The access context's module: login, the admin pages, the login guard's state.

use std::sync::Arc;

use super::web::{self, AppData};
use super::{Context, Platform, app_pool};
use crate::adapters::http::access::{self as pages, AccessPages};
use crate::adapters::http::shared::routes::{Endpoint, NavEntry};
use crate::adapters::persistence::access::users::{
    DieselAccounts, DieselAdminQueries, DieselJurisdictionDirectory,
};

/// The access context.
pub struct Access;

/// The module, as the list of contexts names it.
pub static CONTEXT: Access = Access;

impl Context for Access {
    fn name(&self) -> &'static str {
        "access"
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        pages::endpoints()
    }

    fn navigation(&self) -> Vec<NavEntry> {
        pages::navigation()
    }

    fn http_data(&self, platform: &Platform) -> anyhow::Result<Vec<AppData>> {
        let pool = app_pool(platform)?;
        Ok(vec![web::data(AccessPages {
            accounts: Arc::new(DieselAccounts::new(pool.clone())),
            directory: Arc::new(DieselJurisdictionDirectory::new(pool.clone())),
            admin: Arc::new(DieselAdminQueries::new(pool)),
        })])
    }
}
