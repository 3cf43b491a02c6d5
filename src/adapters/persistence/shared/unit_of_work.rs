//! The one unit of work over diesel: a PostgreSQL transaction on the pool the caller's
//! rights call for, its row-level-security scope set first; the events it publishes go to
//! `platform.outbox` and its audit entries to the audit log in the same transaction; a
//! transient failure runs the work again (backon, bounded); after a commit that published
//! events, the relay is woken.

use std::sync::Arc;
use std::time::Duration;

use backon::{BlockingRetryable, ExponentialBuilder};
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::outbox;
use super::{PgPool, PgPooled, set_actor, set_scope, store_err};
use crate::application::shared::{
    AuditEntry, Caller, Durability, ErrorKind, Inbox, Rights, StoreError, StoreFailure,
    Transaction, TxOptions, UnitOfWork, chain,
};
use crate::domain::shared::{DomainEvent, EventPayload};

/// Writes audit entries on the transaction's connection: the audit log belongs to the
/// access context, whose persistence supplies this at start-up.
pub type AuditWriter = fn(&mut PgConnection, &Caller, &[AuditEntry]) -> Result<(), StoreError>;

/// Attempts of one unit of work when each ends in a transient failure: 1 + 4 retries.
pub const MAX_RETRIES: usize = 4;

/// The unit of work on the application role's pool (users, under row-level security) and
/// the owner's pool (the system).
#[derive(Clone)]
pub struct DieselUnitOfWork {
    app: Option<PgPool>,
    owner: Option<PgPool>,
    audit: AuditWriter,
    committed: Option<Arc<dyn Fn() + Send + Sync>>,
    backoff: ExponentialBuilder,
}

impl DieselUnitOfWork {
    /// A unit of work running users' work on `app` (the role `tasi_app`) and the system's on
    /// `owner`; either may be absent (a command-line process has only the owner's), and a
    /// caller whose pool is absent is refused. `audit` writes the audit entries.
    pub fn new(app: Option<PgPool>, owner: Option<PgPool>, audit: AuditWriter) -> Self {
        DieselUnitOfWork {
            app,
            owner,
            audit,
            committed: None,
            backoff: ExponentialBuilder::new()
                .with_min_delay(Duration::from_millis(20))
                .with_max_delay(Duration::from_millis(500))
                .with_max_times(MAX_RETRIES)
                .with_jitter(),
        }
    }

    /// The same unit of work, calling `wake` after each commit that published events (the
    /// relay's signal).
    pub fn on_commit(mut self, wake: Arc<dyn Fn() + Send + Sync>) -> Self {
        self.committed = Some(wake);
        self
    }

    /// The owner's pool, when this unit of work has one (for adapters of the system's work
    /// that read outside a transaction of theirs).
    pub fn owner_pool(&self) -> Option<&PgPool> {
        self.owner.as_ref()
    }

    /// The application role's pool, when this unit of work has one.
    pub fn app_pool(&self) -> Option<&PgPool> {
        self.app.as_ref()
    }

    fn pool_for(&self, caller: &Caller) -> Result<&PgPool, StoreError> {
        let (pool, role) = match caller.rights() {
            Rights::Scoped(_) => (self.app.as_ref(), "the application role's"),
            Rights::Everything => (self.owner.as_ref(), "the owner's"),
        };
        pool.ok_or_else(|| {
            StoreError::permanent(format!(
                "{} needs {role} connections, and this process has none",
                caller.actor()
            ))
        })
    }

    /// One attempt: begin, set the scope, run the work, write its events and audit entries,
    /// commit. Dropping the transaction on any failure rolls it back.
    fn attempt<T, E>(
        &self,
        pool: &PgPool,
        caller: &Caller,
        durability: Durability,
        work: &mut impl FnMut(&mut DieselTx) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut tx = DieselTx::begin(pool.get().map_err(store_err)?, caller)?;
        if durability == Durability::Relaxed {
            diesel::sql_query("SET LOCAL synchronous_commit TO off")
                .execute(tx.conn())
                .map_err(store_err)?;
        }
        if let Rights::Scoped(scope) = caller.rights() {
            set_scope(tx.conn(), scope)?;
        }
        if let Some(user_id) = caller.user_id() {
            set_actor(tx.conn(), user_id)?;
        }
        let value = work(&mut tx)?;
        let published = tx.events.len();
        tx.commit(self.audit)?;
        if published > 0
            && let Some(wake) = &self.committed
        {
            wake();
        }
        Ok(value)
    }
}

impl UnitOfWork for DieselUnitOfWork {
    type Tx = DieselTx;

    fn run_with<T, E>(
        &self,
        caller: &Caller,
        options: TxOptions,
        mut work: impl FnMut(&mut DieselTx) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError> + StoreFailure,
    {
        let pool = self.pool_for(caller)?;
        let durability = options.durability;
        if !options.retry {
            return self.attempt(pool, caller, durability, &mut work);
        }
        (|| self.attempt(pool, caller, durability, &mut work))
            .retry(self.backoff)
            .sleep(std::thread::sleep)
            .when(|e: &E| e.store_error().is_some_and(StoreError::is_transient))
            .notify(|e: &E, wait: Duration| {
                if let Some(s) = e.store_error() {
                    tracing::warn!(
                        actor = caller.actor(),
                        error = %chain(s),
                        wait_ms = wait.as_millis() as u64,
                        "transient failure; the unit of work runs again"
                    );
                }
            })
            .call()
    }
}

/// An event encoded for the outbox.
#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct OutboxRow {
    event_id: Uuid,
    event_type: String,
    schema_version: i16,
    occurred_at: chrono::DateTime<chrono::Utc>,
    aggregate_type: String,
    aggregate_id: String,
    jurisdiction: Option<String>,
    payload: serde_json::Value,
}

/// One open transaction of the unit of work. Each context's persistence implements the
/// ports of its use cases on it, over [`DieselTx::conn`].
pub struct DieselTx {
    conn: PgPooled,
    caller: Caller,
    events: Vec<OutboxRow>,
    audits: Vec<AuditEntry>,
    open: bool,
}

impl DieselTx {
    fn begin(mut conn: PgPooled, caller: &Caller) -> Result<Self, StoreError> {
        AnsiTransactionManager::begin_transaction(&mut *conn).map_err(store_err)?;
        Ok(DieselTx {
            conn,
            caller: caller.clone(),
            events: Vec::new(),
            audits: Vec::new(),
            open: true,
        })
    }

    /// The transaction's connection.
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.conn
    }

    fn commit(mut self, audit: AuditWriter) -> Result<(), StoreError> {
        if !self.events.is_empty() {
            diesel::insert_into(outbox::table)
                .values(&self.events)
                .execute(&mut *self.conn)
                .map_err(store_err)?;
        }
        if !self.audits.is_empty() {
            audit(&mut self.conn, &self.caller, &self.audits)?;
        }
        self.open = false;
        AnsiTransactionManager::commit_transaction(&mut *self.conn).map_err(store_err)
    }
}

impl Drop for DieselTx {
    fn drop(&mut self) {
        if self.open && AnsiTransactionManager::rollback_transaction(&mut *self.conn).is_err() {
            tracing::warn!("a unit of work could not be rolled back");
        }
    }
}

impl Transaction for DieselTx {
    fn caller(&self) -> &Caller {
        &self.caller
    }

    fn publish<P: EventPayload>(&mut self, event: DomainEvent<P>) -> Result<(), StoreError> {
        self.events.push(OutboxRow {
            event_id: event.id,
            schema_version: i16::try_from(event.schema_version).map_err(|_| {
                StoreError::permanent(format!("{}: schema version too large", event.event_type))
            })?,
            payload: serde_json::to_value(&event.payload).map_err(store_err)?,
            event_type: event.event_type,
            occurred_at: event.occurred_at,
            aggregate_type: event.aggregate_type,
            aggregate_id: event.aggregate_id,
            jurisdiction: event.jurisdiction.map(|j| j.to_string()),
        });
        Ok(())
    }

    fn audit(&mut self, entry: AuditEntry) {
        self.audits.push(entry);
    }

    fn inbox(&mut self) -> &mut dyn Inbox {
        self
    }
}

/// The inbox table of `consumer` (`<context>.<name>`): `<context>.inbox`, created by the
/// context's own migration. Names are written in code; anything else is refused.
fn inbox_table(consumer: &str) -> Result<String, StoreError> {
    let valid = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    match consumer.split_once('.') {
        Some((context, name)) if valid(context) && valid(name) => Ok(format!("{context}.inbox")),
        _ => Err(StoreError::new(
            ErrorKind::Permanent,
            format!("`{consumer}` is not a consumer name (<context>.<name>)"),
        )),
    }
}

impl Inbox for DieselTx {
    fn unhandled(&mut self, consumer: &str, ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::Uuid)]
            id: Uuid,
        }
        let table = inbox_table(consumer)?;
        let rows: Vec<Id> = diesel::sql_query(format!(
            "SELECT i.id FROM unnest($2::uuid[]) AS i(id)
             WHERE NOT EXISTS (SELECT 1 FROM {table} h
                               WHERE h.consumer = $1 AND h.event_id = i.id)"
        ))
        .bind::<diesel::sql_types::Text, _>(consumer)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(ids)
        .load(self.conn())
        .map_err(store_err)?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    fn record_handled(&mut self, consumer: &str, ids: &[Uuid]) -> Result<(), StoreError> {
        let table = inbox_table(consumer)?;
        diesel::sql_query(format!(
            "INSERT INTO {table} (consumer, event_id) SELECT $1, unnest($2::uuid[])"
        ))
        .bind::<diesel::sql_types::Text, _>(consumer)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(ids)
        .execute(self.conn())
        .map_err(store_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::inbox_table;

    #[test]
    fn a_consumers_inbox_is_in_its_contexts_schema_and_odd_names_are_refused() {
        assert_eq!(
            inbox_table("landings.summaries").ok().as_deref(),
            Some("landings.inbox")
        );
        for bad in [
            "landings",
            "landings.x; DROP TABLE y",
            "Landings.x",
            ".x",
            "a.b.c",
        ] {
            assert!(inbox_table(bad).is_err(), "{bad}");
        }
    }
}
