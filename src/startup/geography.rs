//! The geography context's module: the jurisdiction tree.

use super::Context;

/// The geography context.
pub struct Geography;

/// The module, as the list of contexts names it.
pub static CONTEXT: Geography = Geography;

impl Context for Geography {
    fn name(&self) -> &'static str {
        "geography"
    }
}
