//! The caller of a request: the logged-in user and their grants, put in the request's
//! extensions by the login guard (the access context's), read by every page handler.

use crate::domain::access::{Grants, User};

/// The logged-in user and their grants, loaded once per request by the login guard.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The user.
    pub user: User,
    /// Their grants, loaded for this request.
    pub grants: Grants,
}
