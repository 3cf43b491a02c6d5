//! Row-level security: the scope a transaction runs under, and the explicit scope filter
//! of each query (the application's own wall in front of PostgreSQL's).

use diesel::pg::PgConnection;
use diesel::prelude::*;

use super::{Binds, PgPool, PgPooled, kept, store_err};
use crate::application::shared::StoreError;

/// Sets the row-level-security scope of the current transaction to `scope`
/// (`set_config('tasi.scope', '["Timor-Leste/Atauro"]', true)`, the parameterised form of
/// `SET LOCAL`): the policies of the fishery tables then show only rows under its paths.
///
/// # Errors
/// When the database refuses.
pub fn set_scope(
    conn: &mut PgConnection,
    scope: &crate::domain::shared::AccessScope,
) -> Result<(), StoreError> {
    let paths: Vec<String> = scope.paths().iter().map(|p| p.to_string()).collect();
    let json = serde_json::to_string(&paths).map_err(store_err)?;
    kept("SELECT set_config('tasi.scope', $1, true)")
        .text(json)
        .execute(conn)
        .map_err(store_err)?;
    Ok(())
}

/// Names the acting user of the current transaction (`set_config('tasi.actor', id, true)`):
/// the access context's database functions that change grants, passwords and links check
/// that this user may make the change.
///
/// # Errors
/// When the database refuses.
pub fn set_actor(conn: &mut PgConnection, user_id: uuid::Uuid) -> Result<(), StoreError> {
    kept("SELECT set_config('tasi.actor', $1, true)")
        .text(user_id.to_string())
        .execute(conn)
        .map_err(store_err)?;
    Ok(())
}

/// A pooled connection inside a read-only transaction whose row-level-security scope is set
/// (`BEGIN READ ONLY` + `set_config('tasi.scope', …, true)`); the transaction ends
/// (`ROLLBACK`: it wrote nothing) when the guard is dropped, so the scope never outlives it.
pub struct ScopedRead(PgPooled);

impl ScopedRead {
    /// Takes a connection from `pool` and opens the scoped read-only transaction.
    ///
    /// # Errors
    /// When no connection is available or the database refuses.
    pub fn open(
        pool: &PgPool,
        scope: &crate::domain::shared::AccessScope,
    ) -> Result<Self, StoreError> {
        let mut c = pool.get().map_err(store_err)?;
        diesel::sql_query("BEGIN READ ONLY")
            .execute(&mut c)
            .map_err(store_err)?;
        let mut guard = ScopedRead(c);
        set_scope(&mut guard.0, scope)?;
        Ok(guard)
    }
}

impl std::ops::Deref for ScopedRead {
    type Target = PgPooled;
    fn deref(&self) -> &PgPooled {
        &self.0
    }
}

impl std::ops::DerefMut for ScopedRead {
    fn deref_mut(&mut self) -> &mut PgPooled {
        &mut self.0
    }
}

impl Drop for ScopedRead {
    fn drop(&mut self) {
        if diesel::sql_query("ROLLBACK").execute(&mut self.0).is_err() {
            tracing::warn!("could not end a scoped read transaction");
        }
    }
}

/// The scope's paths as exact paths and as `LIKE` patterns of their subtrees
/// (`Timor-Leste/Atauro/%`, with `LIKE`'s wildcards escaped): what each query's explicit
/// scope filter binds.
pub fn scope_patterns(scope: &crate::domain::shared::AccessScope) -> (Vec<String>, Vec<String>) {
    let exact: Vec<String> = scope.paths().iter().map(|p| p.to_string()).collect();
    let prefixes = exact
        .iter()
        .map(|p| {
            format!(
                "{}/%",
                p.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        })
        .collect();
    (exact, prefixes)
}
