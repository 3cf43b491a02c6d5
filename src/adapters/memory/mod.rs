//! In-memory adapters of the landings, geography and access ports, for fast tests of the
//! use cases beside the black-box tests against PostgreSQL (never instead of them).
//!
//! [`InMemoryUnitOfWork`] keeps the committed state in a mutex; a unit of work works on a
//! copy of it and replaces it only when the work succeeds, with the events it published
//! (encoded as the outbox holds them) and its audit entries: all or nothing, like a
//! transaction. A caller with a scope sees and locks only records under it, as row-level
//! security makes the PostgreSQL adapter do. A transient failure can be planted
//! ([`InMemoryUnitOfWork::fail_next`]) to show that the work is run again.

mod access;
mod landings;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard};

use chrono::Utc;
use uuid::Uuid;

use crate::application::access::ports::NewLink;
use crate::application::landings::ports::{ImportRecord, ReviewRecord};
use crate::application::shared::{
    AuditEntry, Caller, ErrorKind, Inbox, RejectedRow, StoreError, StoreFailure, StoredEvent,
    Transaction, TxOptions, UnitOfWork,
};
use crate::domain::access::{Grant, User};
use crate::domain::geography::Jurisdiction;
use crate::domain::landings::{Assessment, MonthlySummaryRow, Species, SurveyedLanding};
use crate::domain::shared::{DomainEvent, EventPayload};

/// Attempts of one unit of work when each ends in a transient failure: 1 + 4 retries, as
/// the PostgreSQL adapter.
pub const MAX_ATTEMPTS: usize = 5;

/// A stored surveyed landing with its assessment.
#[derive(Debug, Clone)]
pub struct StoredLanding {
    /// The landing as reported.
    pub landing: SurveyedLanding,
    /// The source format it came from.
    pub source: String,
    /// Fingerprint of its source rows.
    pub fingerprint: String,
    /// The import that wrote it.
    pub import_id: Uuid,
    /// The rule set's (or the latest review's) assessment.
    pub assessment: Assessment,
    /// Whether it counts in summaries.
    pub counts: bool,
    /// The latest review's decision.
    pub review_status: Option<String>,
}

/// Everything the in-memory adapters store.
#[derive(Debug, Clone, Default)]
pub struct MemoryState {
    /// The jurisdiction tree, by path.
    pub jurisdictions: BTreeMap<String, Jurisdiction>,
    /// The species catalogue, by code.
    pub species: BTreeMap<i32, Species>,
    /// Surveyed landings, by tasi's id.
    pub landings: BTreeMap<Uuid, StoredLanding>,
    /// Reviews, oldest first: the landing's id and the review as stored.
    pub reviews: Vec<(Uuid, ReviewRecord)>,
    /// Import records.
    pub imports: Vec<ImportRecord>,
    /// Rejected rows, by import.
    pub rejected: Vec<(Uuid, RejectedRow)>,
    /// The monthly summary read model.
    pub summaries: Vec<MonthlySummaryRow>,
    /// Rebuilds of the read models so far.
    pub rebuilds: u64,
    /// Users, by id.
    pub users: BTreeMap<Uuid, User>,
    /// Grants, with who granted them.
    pub grants: Vec<(Grant, String)>,
    /// Sessions: key → user.
    pub sessions: BTreeMap<String, Uuid>,
    /// Set-password links, by lookup key, with when they were used.
    pub links: BTreeMap<String, (NewLink, Option<chrono::DateTime<Utc>>)>,
    /// The outbox: every event published, in order.
    pub outbox: Vec<StoredEvent>,
    /// The audit log: the actor as stamped, when (UTC), and the entry.
    pub audit: Vec<(String, chrono::DateTime<Utc>, AuditEntry)>,
    /// The inboxes: (consumer, event id).
    pub inbox: BTreeSet<(String, Uuid)>,
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
    /// True when the caller may see a record at `path` (the system sees everything).
    fn sees(&self, path: &str) -> bool {
        self.caller.scope().is_none_or(|s| s.covers_str(path))
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
