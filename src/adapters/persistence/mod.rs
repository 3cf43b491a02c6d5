//! PostgreSQL persistence with diesel: the pool, the embedded migrations, and one
//! repository per port.

pub mod diesel_import;
pub mod diesel_landing_queries;
pub mod diesel_users;
pub mod schema;

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::application::StoreError;

/// The migrations of every context, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A pool of PostgreSQL connections.
pub type PgPool = Pool<ConnectionManager<PgConnection>>;
/// A connection taken from the pool.
pub type PgPooled = PooledConnection<ConnectionManager<PgConnection>>;

/// Maps any displayable failure of diesel or the pool into a port error (one place).
pub fn store_err(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

/// Opens a pool of at most `size` connections to `url`.
///
/// # Errors
/// When the database cannot be reached.
pub fn connect(url: &str, size: u32) -> anyhow::Result<PgPool> {
    let manager = ConnectionManager::<PgConnection>::new(url);
    Ok(Pool::builder()
        .max_size(size)
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)?)
}

/// Splits `postgres://…/NAME?…` into the URL of the server's `postgres` database and NAME.
fn maintenance_url(url: &str) -> anyhow::Result<(String, String)> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (server, name) = base
        .rsplit_once('/')
        .filter(|(s, n)| s.contains("://") && !s.ends_with('/') && !n.is_empty())
        .ok_or_else(|| anyhow::anyhow!("DATABASE_URL `{url}` names no database"))?;
    let mut admin = format!("{server}/postgres");
    if let Some(q) = query {
        admin = format!("{admin}?{q}");
    }
    Ok((admin, name.to_string()))
}

/// Creates the database of `url` when it does not exist yet (connecting to the server's
/// `postgres` database), then applies pending migrations. Returns the migrations applied.
///
/// # Errors
/// When the server cannot be reached, the database cannot be created, or a migration fails.
pub fn migrate(url: &str) -> anyhow::Result<Vec<String>> {
    if PgConnection::establish(url).is_err() {
        let (admin_url, name) = maintenance_url(url)?;
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            anyhow::bail!("database name `{name}` must be letters, digits and _ only");
        }
        let mut admin = PgConnection::establish(&admin_url)?;
        #[derive(QueryableByName)]
        struct Exists {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            exists: bool,
        }
        let exists: Exists = diesel::sql_query(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists",
        )
        .bind::<diesel::sql_types::Text, _>(&name)
        .get_result(&mut admin)?;
        if !exists.exists {
            diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut admin)?;
            tracing::info!(database = %name, "database created");
        }
    }
    let mut conn = PgConnection::establish(url)?;
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied.iter().map(|m| m.to_string()).collect())
}

/// True when the database answers a trivial query.
pub fn ping(pool: &PgPool) -> bool {
    pool.get()
        .ok()
        .and_then(|mut c| diesel::sql_query("SELECT 1").execute(&mut c).ok())
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::maintenance_url;

    #[test]
    fn the_maintenance_url_points_at_the_postgres_database() {
        let r = maintenance_url("postgres://postgres@127.0.0.1:5432/tasi").ok();
        assert_eq!(
            r,
            Some((
                "postgres://postgres@127.0.0.1:5432/postgres".into(),
                "tasi".into()
            ))
        );
        let r = maintenance_url("postgres://u@h/db?sslmode=disable").ok();
        assert_eq!(
            r,
            Some((
                "postgres://u@h/postgres?sslmode=disable".into(),
                "db".into()
            ))
        );
        assert!(maintenance_url("postgres://u@h/").is_err());
    }
}
