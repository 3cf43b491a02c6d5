//! The pool, the embedded migrations, and the checks of the roles connected as.

use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, ManageConnection, Pool, PooledConnection};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The migrations of every context, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A pool of PostgreSQL connections.
pub type PgPool = Pool<CheckedManager>;
/// A connection taken from the pool.
pub type PgPooled = PooledConnection<CheckedManager>;

/// A connection that answered a query less than this long ago is handed out without a
/// check of its own.
pub const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// What a connection's own queries tell about it (diesel instrumentation, installed on
/// each connection the pool opens): when one last succeeded, and whether one found the
/// connection lost.
#[derive(Debug)]
struct Health {
    last_ok: Instant,
    lost: bool,
}

impl Instrumentation for Health {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery { error, .. } = event {
            match error {
                None => self.last_ok = Instant::now(),
                Some(DieselError::DatabaseError(
                    DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                    _,
                )) => self.lost = true,
                Some(_) => {}
            }
        }
    }
}

fn health(conn: &mut PgConnection) -> Option<&Health> {
    conn.instrumentation().as_any().downcast_ref::<Health>()
}

/// diesel's connection manager, made cheaper to check out from: r2d2 checks each
/// connection it hands out with a round trip (`SELECT 1`), which was half the database
/// round trips of a dashboard request. A connection whose last query succeeded less than
/// [`TRUSTED_FOR`] ago is handed out without it; one whose query found the connection
/// closed is dropped when it comes back, never handed out again. A connection idle for
/// longer is checked as before, so one that died while idle (a restart of the database)
/// is replaced before a request sees it.
#[derive(Debug)]
pub struct CheckedManager(ConnectionManager<PgConnection>);

impl ManageConnection for CheckedManager {
    type Connection = PgConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PgConnection, Self::Error> {
        let mut conn = self.0.connect()?;
        conn.set_instrumentation(Health {
            last_ok: Instant::now(),
            lost: false,
        });
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut PgConnection) -> Result<(), Self::Error> {
        match health(conn) {
            Some(h) if !h.lost && h.last_ok.elapsed() < TRUSTED_FOR => Ok(()),
            _ => self.0.is_valid(conn),
        }
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        self.0.has_broken(conn) || health(conn).is_some_and(|h| h.lost)
    }
}

/// Opens a pool of at most `size` connections to `url`.
///
/// # Errors
/// When the database cannot be reached.
pub fn connect(url: &str, size: u32) -> anyhow::Result<PgPool> {
    let manager = CheckedManager(ConnectionManager::<PgConnection>::new(url));
    // Two connections open at start, more on demand up to `size`: a process does not hold
    // `size` idle connections of the server's `max_connections` (100 by default) from its
    // first second (four test servers and their databases reached it before).
    Ok(Pool::builder()
        .max_size(size)
        .min_idle(Some(size.min(2)))
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)?)
}

/// The turns at the application pool, first come first served.
static GATE: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();

/// How many requests may work on the application pool at once when [`size_gate`] was not
/// called (tests): the pool size `tasi serve` uses.
pub const DEFAULT_GATE: usize = 16;

/// Sizes the gate of [`take_turn`]: how many requests may work on the application pool at
/// once. Only the first call counts (the gate is process-wide, like the pool it guards).
pub fn size_gate(permits: usize) {
    let _ = GATE.set(tokio::sync::Semaphore::new(permits.max(1)));
}

/// Waits for a turn at the application pool, in arrival order. r2d2 hands a returned
/// connection to whichever waiting thread wakes first, so under load a request could wait
/// many times longer than the others (p99 ten times the median at 64 connections on a pool
/// of 16); blocking work that takes a connection waits here first, where tokio's semaphore
/// serves waiters in order. The turn ends when the returned permit is dropped.
pub async fn take_turn() -> Option<tokio::sync::SemaphorePermit<'static>> {
    GATE.get_or_init(|| tokio::sync::Semaphore::new(DEFAULT_GATE))
        .acquire()
        .await
        .ok()
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

/// The login role the web application connects as (created by the migrations): neither
/// superuser nor `BYPASSRLS`, so PostgreSQL's row-level security filters what it reads.
pub const APP_ROLE: &str = "tasi_app";

/// The application's URL derived from the owner's: the same server and database, with the
/// user replaced by [`APP_ROLE`] and no password (`postgres://postgres@h:5432/tasi` →
/// `postgres://tasi_app@h:5432/tasi`). Used when `TASI_APP_DATABASE_URL` is not set.
pub fn app_url_from(owner_url: &str) -> String {
    let Some((scheme, rest)) = owner_url.split_once("://") else {
        return owner_url.to_string();
    };
    let host_part = match rest.split_once('/') {
        Some((authority, _)) => authority,
        None => rest,
    };
    let host = host_part.rsplit_once('@').map_or(host_part, |(_, h)| h);
    let tail = &rest[host_part.len()..];
    format!("{scheme}://{APP_ROLE}@{host}{tail}")
}

/// Refuses a pool whose role would bypass row-level security (a superuser, a `BYPASSRLS`
/// role, or a role that owns a table of the database, or is a member of its owner).
///
/// # Errors
/// When the database cannot be asked, or the role bypasses row-level security.
pub fn check_app_role(pool: &PgPool) -> anyhow::Result<()> {
    #[derive(QueryableByName)]
    struct R {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        bypasses: bool,
    }
    let mut c = pool.get()?;
    let r: R = diesel::sql_query(
        "SELECT current_user::text AS name,
                (r.rolsuper OR r.rolbypassrls
                 OR EXISTS (SELECT 1 FROM pg_tables t
                            WHERE t.schemaname NOT IN ('pg_catalog', 'information_schema')
                              AND pg_has_role(current_user, t.tableowner, 'USAGE')))
                  AS bypasses
         FROM pg_roles r
         WHERE r.rolname = current_user",
    )
    .get_result(&mut c)?;
    if r.bypasses {
        anyhow::bail!(
            "the application's database role `{}` bypasses row-level security; \
             connect it as `{APP_ROLE}` (TASI_APP_DATABASE_URL)",
            r.name
        );
    }
    Ok(())
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
    use super::{app_url_from, maintenance_url};

    #[test]
    fn the_app_url_swaps_the_user_for_the_app_role() {
        assert_eq!(
            app_url_from("postgres://postgres@127.0.0.1:5432/tasi"),
            "postgres://tasi_app@127.0.0.1:5432/tasi"
        );
        assert_eq!(
            app_url_from("postgres://owner:secret@db:5432/tasi?sslmode=require"),
            "postgres://tasi_app@db:5432/tasi?sslmode=require"
        );
        assert_eq!(
            app_url_from("postgres://127.0.0.1/tasi"),
            "postgres://tasi_app@127.0.0.1/tasi"
        );
    }

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
