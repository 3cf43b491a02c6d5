//! The in-memory unit of work, for fast tests of the use cases beside the black-box tests
//! against PostgreSQL (never instead of them). Each context keeps its own part of the
//! state and implements its ports on [`MemoryTx`] in its own folder
//! (`persistence/<context>/memory.rs`), as it does for PostgreSQL; this module names none.
//!
//! [`InMemoryUnitOfWork`] keeps the committed state in a mutex; a unit of work works on a
//! copy of it and replaces it only when the work succeeds, with the events it published
//! (encoded as the outbox holds them) and its audit entries: all or nothing, like a
//! transaction. A caller with a scope sees and locks only records under it, as row-level
//! security makes the PostgreSQL adapter do ([`MemoryTx::view`]). A transient failure can
//! be planted ([`InMemoryUnitOfWork::fail_next`]) to show that the work is run again.

use std::any::{Any, TypeId};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Debug;
use std::sync::{Mutex, MutexGuard};

use chrono::Utc;
use uuid::Uuid;

use crate::application::shared::{
    AuditEntry, Caller, ErrorKind, Inbox, StoreError, StoreFailure, StoredEvent, Transaction,
    TxOptions, UnitOfWork,
};
use crate::domain::shared::{DomainEvent, EventPayload};

/// Attempts of one unit of work when each ends in a transient failure: 1 + 4 retries, as
/// the PostgreSQL adapter.
pub const MAX_ATTEMPTS: usize = 5;

/// A context's part of the in-memory state: any cloneable value (the copy a unit of work
/// works on).
pub trait Part: Any + Send + Debug {
    /// A copy of the part, boxed.
    fn clone_part(&self) -> Box<dyn Part>;
    /// The part, to be downcast.
    fn as_any(&self) -> &dyn Any;
    /// The part, to be downcast and changed.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any + Send + Debug + Clone> Part for T {
    fn clone_part(&self) -> Box<dyn Part> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Everything the in-memory adapters store: each context's part, by its type, and the
/// platform's outbox, audit log and inboxes.
#[derive(Debug, Default)]
pub struct MemoryState {
    parts: HashMap<TypeId, Box<dyn Part>>,
    /// The outbox: every event published, in order.
    pub outbox: Vec<StoredEvent>,
    /// The audit log: the actor as stamped, when (UTC), and the entry.
    pub audit: Vec<(String, chrono::DateTime<Utc>, AuditEntry)>,
    /// The inboxes: (consumer, event id).
    pub inbox: BTreeSet<(String, Uuid)>,
}

impl Clone for MemoryState {
    fn clone(&self) -> Self {
        MemoryState {
            parts: self
                .parts
                .iter()
                .map(|(k, v)| (*k, v.as_ref().clone_part()))
                .collect(),
            outbox: self.outbox.clone(),
            audit: self.audit.clone(),
            inbox: self.inbox.clone(),
        }
    }
}

impl MemoryState {
    /// The part of type `T`, made empty on first use.
    pub fn part<T: Part + Default>(&mut self) -> &mut T {
        let slot = self
            .parts
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()));
        match slot.as_any_mut().downcast_mut::<T>() {
            Some(part) => part,
            // A part is stored only under its own type's id.
            None => unreachable!("a part stored under another type's id"),
        }
    }
}

/// The unit of work over a [`MemoryState`].
#[derive(Debug, Default)]
pub struct InMemoryUnitOfWork {
    /// Units of work run one at a time (a copy of the state each: none may overwrite
    /// another's commit).
    serial: Mutex<()>,
    state: Mutex<MemoryState>,
    failures: Mutex<Vec<ErrorKind>>,
    attempts: Mutex<u64>,
}

impl InMemoryUnitOfWork {
    /// An empty store.
    pub fn new() -> Self {
        InMemoryUnitOfWork::default()
    }

    /// The committed state.
    pub fn state(&self) -> MutexGuard<'_, MemoryState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes the next `times` commits fail with a failure of `kind` (planted faults).
    pub fn fail_next(&self, kind: ErrorKind, times: usize) {
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        f.extend(std::iter::repeat_n(kind, times));
    }

    /// Attempts made so far (a retried unit of work counts each attempt).
    pub fn attempts(&self) -> u64 {
        *self.attempts.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn attempt<T, E>(
        &self,
        caller: &Caller,
        work: &mut impl FnMut(&mut MemoryTx) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let _serial = self.serial.lock().unwrap_or_else(|p| p.into_inner());
        *self.attempts.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        let mut tx = MemoryTx {
            state: self.state().clone(),
            caller: caller.clone(),
            events: Vec::new(),
            audits: Vec::new(),
        };
        let value = work(&mut tx)?;
        let planted = {
            let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
            (!f.is_empty()).then(|| f.remove(0))
        };
        if let Some(kind) = planted {
            return Err(StoreError::new(kind, "a planted failure at commit").into());
        }
        let MemoryTx {
            mut state,
            caller,
            events,
            audits,
        } = tx;
        state.outbox.extend(events);
        for a in audits {
            let actor = a
                .actor
                .clone()
                .unwrap_or_else(|| caller.actor().to_string());
            let entry = AuditEntry {
                client_addr: a
                    .client_addr
                    .clone()
                    .or_else(|| caller.client_addr().map(str::to_string)),
                ..a
            };
            state.audit.push((actor, Utc::now(), entry));
        }
        *self.state() = state;
        Ok(value)
    }
}

impl UnitOfWork for InMemoryUnitOfWork {
    type Tx = MemoryTx;

    fn run_with<T, E>(
        &self,
        caller: &Caller,
        options: TxOptions,
        mut work: impl FnMut(&mut MemoryTx) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError> + StoreFailure,
    {
        let attempts = if options.retry { MAX_ATTEMPTS } else { 1 };
        let mut n = 0;
        loop {
            n += 1;
            match self.attempt(caller, &mut work) {
                Err(e) if n < attempts && e.store_error().is_some_and(StoreError::is_transient) => {
                    continue;
                }
                other => return other,
            }
        }
    }
}

/// One open unit of work: a copy of the state, and what it published and wrote to the
/// audit log.
#[derive(Debug)]
pub struct MemoryTx {
    state: MemoryState,
    caller: Caller,
    events: Vec<StoredEvent>,
    audits: Vec<AuditEntry>,
}

impl MemoryTx {
    /// The part of type `T` of this unit of work's copy of the state.
    pub fn part<T: Part + Default>(&mut self) -> &mut T {
        self.state.part()
    }

    /// What the caller may see: true for a record at a jurisdiction path under the
    /// caller's scope (the system sees everything), as row-level security filters.
    pub fn view(&self) -> impl Fn(&str) -> bool + 'static {
        let scope = self.caller.scope().cloned();
        move |path| scope.as_ref().is_none_or(|s| s.covers_str(path))
    }
}

impl Transaction for MemoryTx {
    fn caller(&self) -> &Caller {
        &self.caller
    }

    fn publish<P: EventPayload>(&mut self, event: DomainEvent<P>) -> Result<(), StoreError> {
        let payload = serde_json::to_string(&event.payload).map_err(|e| {
            StoreError::caused_by(ErrorKind::Permanent, "encoding an event's payload", e)
        })?;
        let position = (self.state.outbox.len() + self.events.len() + 1) as i64;
        self.events.push(StoredEvent {
            position,
            id: event.id,
            event_type: event.event_type,
            schema_version: event.schema_version,
            occurred_at: event.occurred_at,
            aggregate_type: event.aggregate_type,
            aggregate_id: event.aggregate_id,
            jurisdiction: event.jurisdiction.map(|j| j.to_string()),
            payload,
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

impl Inbox for MemoryTx {
    fn unhandled(&mut self, consumer: &str, ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
        Ok(ids
            .iter()
            .filter(|id| !self.state.inbox.contains(&(consumer.to_string(), **id)))
            .copied()
            .collect())
    }

    fn record_handled(&mut self, consumer: &str, ids: &[Uuid]) -> Result<(), StoreError> {
        for id in ids {
            if !self.state.inbox.insert((consumer.to_string(), *id)) {
                return Err(StoreError::new(
                    ErrorKind::Conflict,
                    "an event handled twice by one consumer",
                ));
            }
        }
        Ok(())
    }
}
