//! The access context's module: users, grants, sessions, the audit log.

use super::Context;

/// The access context.
pub struct Access;

/// The module, as the list of contexts names it.
pub static CONTEXT: Access = Access;

impl Context for Access {
    fn name(&self) -> &'static str {
        "access"
    }
}
