//! One unit of work: the state changes of a use case, the domain events it raises and the
//! audit entries it writes, committed together or not at all.
//!
//! A use case asks [`UnitOfWork::run`] for a transaction and does its work through it: the
//! transaction hands out the repositories the use case needs (each context declares an
//! extension trait of [`Transaction`] with accessors for its own ports, implemented by the
//! adapter), collects the events ([`Transaction::publish`]) and the audit entries
//! ([`Transaction::audit`]), and the unit of work writes both in the same transaction when
//! the work succeeds; a consumer of events records the events it handled in its inbox
//! ([`Transaction::inbox`]) in the transaction of its reaction. Transient failures (a serialization failure, a deadlock, a lost
//! connection) run the whole work again, a bounded number of times; nothing else is
//! retried.

use super::{AuditEntry, Caller, Inbox, StoreError, StoreFailure};
use crate::domain::shared::{DomainEvent, EventPayload};

/// How hard a commit waits for the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// The commit returns once the change is on disk (the default).
    #[default]
    Full,
    /// The commit returns before the write-ahead log is flushed (PostgreSQL's
    /// `synchronous_commit off`): for re-runnable imports, whose recovery from a commit lost
    /// in a crash is to run them again. Never loses consistency, only the last moments.
    Relaxed,
}

/// How a unit of work runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxOptions {
    /// How hard the commit waits for the disk.
    pub durability: Durability,
    /// Whether the work may run again after a transient failure. False for work that
    /// consumes something it cannot read twice (a file streamed row by row).
    pub retry: bool,
}

impl Default for TxOptions {
    fn default() -> Self {
        TxOptions {
            durability: Durability::Full,
            retry: true,
        }
    }
}

impl TxOptions {
    /// The same options with [`Durability::Relaxed`].
    pub fn relaxed(self) -> Self {
        TxOptions {
            durability: Durability::Relaxed,
            ..self
        }
    }

    /// The same options, the work run at most once.
    pub fn once(self) -> Self {
        TxOptions {
            retry: false,
            ..self
        }
    }
}

/// Runs work in one transaction on behalf of a [`Caller`]: under row-level security set to
/// a user's scope, or with the owner's rights for the system.
pub trait UnitOfWork: Send + Sync {
    /// The transaction handed to the work.
    type Tx: Transaction;

    /// Runs `work` in one transaction with the default [`TxOptions`]: committed, with the events
    /// it published and the audit entries it wrote, when it returns `Ok`; rolled back
    /// otherwise. `work` may run more than once when a transient failure ends an attempt.
    ///
    /// # Errors
    /// The error `work` returned, or a [`StoreError`] (as `E`) when the transaction
    /// cannot begin or commit.
    fn run<T, E>(
        &self,
        caller: &Caller,
        work: impl FnMut(&mut Self::Tx) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError> + StoreFailure,
    {
        self.run_with(caller, TxOptions::default(), work)
    }

    /// [`UnitOfWork::run`] with the given options.
    ///
    /// # Errors
    /// As [`UnitOfWork::run`].
    fn run_with<T, E>(
        &self,
        caller: &Caller,
        options: TxOptions,
        work: impl FnMut(&mut Self::Tx) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError> + StoreFailure;
}

/// What every transaction offers, whatever the context: who it runs for, publishing domain
/// events to the outbox, and writing the audit log.
pub trait Transaction {
    /// Who the transaction runs for.
    fn caller(&self) -> &Caller;

    /// Publishes `event` to the outbox when the transaction commits (never before, never
    /// without the change that raised it).
    ///
    /// # Errors
    /// [`StoreError`] when the payload cannot be encoded.
    fn publish<P: EventPayload>(&mut self, event: DomainEvent<P>) -> Result<(), StoreError>;

    /// Writes `entry` to the audit log when the transaction commits, stamped with the
    /// caller's name and address where it names none.
    fn audit(&mut self, entry: AuditEntry);

    /// The inbox of the consumers of events (each consumer's own, in its context's
    /// storage), to record in this transaction the events its reaction handled.
    fn inbox(&mut self) -> &mut dyn Inbox;
}
