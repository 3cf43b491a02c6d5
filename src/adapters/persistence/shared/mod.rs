//! What every context's persistence shares: the pool and the migrations, the mapping of
//! database errors into port errors, the row-level-security scope, the one unit of work,
//! and the platform's outbox and inboxes.

mod error;
mod kept;
pub mod memory;
mod outbox;
mod pool;
mod schema;
mod scope;
mod unit_of_work;

pub use error::{kind_of, store_err, unreadable};
pub use kept::{Binds, KeptQuery, KeptSql, kept, kept_sql};
pub use outbox::DieselOutbox;
pub use pool::{
    APP_ROLE, CheckedManager, DEFAULT_GATE, MIGRATIONS, PgPool, PgPooled, TRUSTED_FOR,
    app_url_from, check_app_role, connect, migrate, ping, size_gate, take_turn,
};
pub use scope::{ScopedRead, scope_patterns, set_actor, set_scope};
pub use unit_of_work::{AuditWriter, DieselTx, DieselUnitOfWork};
