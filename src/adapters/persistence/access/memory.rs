//! The access ports in memory: the user store of a unit of work, and the reads of accounts,
//! of the jurisdiction tree and of the admin pages over the committed state.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveTime, Utc};
use uuid::Uuid;

use crate::adapters::persistence::geography::memory::GeographyMemory;
use crate::adapters::persistence::shared::memory::{InMemoryUnitOfWork, MemoryTx};
use crate::application::access::ports::{
    AccessTx, Accounts, AdminQueries, AuditFilter, AuditRecord, JurisdictionDirectory, NewLink,
    SessionInfo, StoredLink, UserStore, UserSummary,
};
use crate::application::shared::{ErrorKind, StoreError};
use crate::domain::access::{Email, Grant, Grants, Role, User};
use crate::domain::shared::{AccessScope, JurisdictionPath};

/// The access context's part of the in-memory state.
#[derive(Debug, Clone, Default)]
pub struct AccessMemory {
    /// Users, by id.
    pub users: BTreeMap<Uuid, User>,
    /// Grants, with who granted them.
    pub grants: Vec<(Grant, String)>,
    /// Sessions: key → user.
    pub sessions: BTreeMap<String, Uuid>,
    /// Set-password links, by lookup key, with when they were used.
    pub links: BTreeMap<String, (NewLink, Option<DateTime<Utc>>)>,
}

impl MemoryTx {
    /// This unit of work's copy of the AccessMemory part.
    fn access_part(&mut self) -> &mut AccessMemory {
        self.part()
    }
}

fn grants_of(grants: &[(Grant, String)], user_id: Uuid) -> Grants {
    let mut g: Vec<Grant> = grants
        .iter()
        .filter(|(g, _)| g.user_id == user_id)
        .map(|(g, _)| g.clone())
        .collect();
    g.sort_by(|a, b| {
        (a.jurisdiction.as_str(), a.role.key()).cmp(&(b.jurisdiction.as_str(), b.role.key()))
    });
    Grants(g)
}

impl MemoryTx {
    /// Keeps `is_admin` equal to "holds an admin grant".
    fn sync_is_admin(&mut self, user_id: Uuid) {
        let admin = self
            .access_part()
            .grants
            .iter()
            .any(|(g, _)| g.user_id == user_id && g.role == Role::Admin);
        if let Some(u) = self.access_part().users.get_mut(&user_id) {
            u.is_admin = admin;
        }
    }
}

impl UserStore for MemoryTx {
    fn by_email(&mut self, email: &Email) -> Result<Option<User>, StoreError> {
        Ok(self
            .access_part()
            .users
            .values()
            .find(|u| u.email == *email)
            .cloned())
    }

    fn by_id(&mut self, id: Uuid) -> Result<Option<User>, StoreError> {
        Ok(self.access_part().users.get(&id).cloned())
    }

    fn grants_of(&mut self, user_id: Uuid) -> Result<Grants, StoreError> {
        Ok(grants_of(&self.access_part().grants, user_id))
    }

    fn insert(&mut self, user: &User) -> Result<(), StoreError> {
        if self
            .access_part()
            .users
            .values()
            .any(|u| u.email == user.email)
            || self.access_part().users.contains_key(&user.id)
        {
            return Err(StoreError::new(
                ErrorKind::Conflict,
                "a user with that e-mail exists",
            ));
        }
        self.access_part().users.insert(user.id, user.clone());
        Ok(())
    }

    fn upsert(&mut self, user: &User) -> Result<(), StoreError> {
        let existing = self
            .access_part()
            .users
            .values()
            .find(|u| u.email == user.email)
            .map(|u| u.id);
        let id = existing.unwrap_or(user.id);
        self.access_part()
            .users
            .insert(id, User { id, ..user.clone() });
        Ok(())
    }

    fn add_grant(&mut self, grant: &Grant, by: &str) -> Result<(), StoreError> {
        if !self.access_part().grants.iter().any(|(g, _)| g == grant) {
            self.access_part()
                .grants
                .push((grant.clone(), by.to_string()));
        }
        self.sync_is_admin(grant.user_id);
        Ok(())
    }

    fn remove_grant(&mut self, grant: &Grant) -> Result<bool, StoreError> {
        let before = self.access_part().grants.len();
        self.access_part().grants.retain(|(g, _)| g != grant);
        let removed = self.access_part().grants.len() < before;
        self.sync_is_admin(grant.user_id);
        Ok(removed)
    }

    fn set_disabled(&mut self, user_id: Uuid, disabled: bool) -> Result<(), StoreError> {
        if let Some(u) = self.access_part().users.get_mut(&user_id) {
            u.disabled = disabled;
        }
        Ok(())
    }

    fn set_password_hash(&mut self, user_id: Uuid, hash: &str) -> Result<(), StoreError> {
        if let Some(u) = self.access_part().users.get_mut(&user_id) {
            u.password_hash = hash.to_string();
        }
        Ok(())
    }

    fn end_sessions(&mut self, user_id: Uuid, now: DateTime<Utc>) -> Result<u64, StoreError> {
        if let Some(u) = self.access_part().users.get_mut(&user_id) {
            u.sessions_valid_after = Some(now);
        }
        let before = self.access_part().sessions.len();
        self.access_part().sessions.retain(|_, u| *u != user_id);
        Ok((before - self.access_part().sessions.len()) as u64)
    }

    fn end_session(&mut self, key: &str) -> Result<bool, StoreError> {
        Ok(self.access_part().sessions.remove(key).is_some())
    }

    fn store_link(&mut self, link: &NewLink) -> Result<(), StoreError> {
        self.access_part()
            .links
            .insert(link.lookup.clone(), (link.clone(), None));
        Ok(())
    }

    fn drop_unused_links(&mut self, user_id: Uuid) -> Result<(), StoreError> {
        self.access_part()
            .links
            .retain(|_, (l, used)| !(l.user_id == user_id && used.is_none()));
        Ok(())
    }

    fn link(&mut self, lookup: &str) -> Result<Option<StoredLink>, StoreError> {
        Ok(self
            .access_part()
            .links
            .get(lookup)
            .map(|(l, used)| StoredLink {
                user_id: l.user_id,
                secret_hash: l.secret_hash.clone(),
                expires_at: l.expires_at,
                used_at: *used,
                created_by: l.created_by.clone(),
            }))
    }

    fn redeem_link(
        &mut self,
        lookup: &str,
        now: DateTime<Utc>,
        hash: &str,
    ) -> Result<Option<(Uuid, u64)>, StoreError> {
        let user_id = match self.access_part().links.get_mut(lookup) {
            Some((l, used @ None)) if l.expires_at > now => {
                *used = Some(now);
                l.user_id
            }
            _ => return Ok(None),
        };
        self.set_password_hash(user_id, hash)?;
        self.drop_unused_links(user_id)?;
        let ended = self.end_sessions(user_id, now)?;
        Ok(Some((user_id, ended)))
    }
}

impl AccessTx for MemoryTx {
    fn users(&mut self) -> &mut dyn UserStore {
        self
    }
}

impl InMemoryUnitOfWork {
    /// Opens a session of `user_id` with `key` (what a login does in the session store).
    pub fn open_session(&self, key: &str, user_id: Uuid) {
        self.state()
            .part::<AccessMemory>()
            .sessions
            .insert(key.to_string(), user_id);
    }
}

impl Accounts for InMemoryUnitOfWork {
    fn by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        Ok(self
            .state()
            .part::<AccessMemory>()
            .users
            .values()
            .find(|u| u.email == *email)
            .cloned())
    }

    fn by_id(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        Ok(self.state().part::<AccessMemory>().users.get(&id).cloned())
    }

    fn grants_of(&self, user_id: Uuid) -> Result<Grants, StoreError> {
        Ok(grants_of(
            &self.state().part::<AccessMemory>().grants,
            user_id,
        ))
    }
}

impl JurisdictionDirectory for InMemoryUnitOfWork {
    fn exists(&self, path: &JurisdictionPath) -> Result<bool, StoreError> {
        Ok(self
            .state()
            .part::<GeographyMemory>()
            .jurisdictions
            .contains_key(path.as_str()))
    }

    fn roots(&self) -> Result<Vec<JurisdictionPath>, StoreError> {
        Ok(self
            .state()
            .part::<GeographyMemory>()
            .jurisdictions
            .values()
            .filter(|j| j.path.parent().is_none())
            .map(|j| j.path.clone())
            .collect())
    }

    fn paths(&self) -> Result<Vec<JurisdictionPath>, StoreError> {
        Ok(self
            .state()
            .part::<GeographyMemory>()
            .jurisdictions
            .values()
            .map(|j| j.path.clone())
            .collect())
    }
}

impl AdminQueries for InMemoryUnitOfWork {
    fn users(&self) -> Result<Vec<UserSummary>, StoreError> {
        let mut state = self.state();
        let s = state.part::<AccessMemory>();
        let mut out: Vec<UserSummary> = s
            .users
            .values()
            .map(|u| UserSummary {
                id: u.id,
                email: u.email.clone(),
                disabled: u.disabled,
                grants: grants_of(&s.grants, u.id),
                active_sessions: s.sessions.values().filter(|x| **x == u.id).count() as u64,
            })
            .collect();
        out.sort_by(|a, b| a.email.as_str().cmp(b.email.as_str()));
        Ok(out)
    }

    fn sessions_of(&self, user_id: Uuid) -> Result<Vec<SessionInfo>, StoreError> {
        Ok(self
            .state()
            .part::<AccessMemory>()
            .sessions
            .iter()
            .filter(|(_, u)| **u == user_id)
            .map(|(key, u)| SessionInfo {
                key: key.clone(),
                user_id: *u,
                created_at: DateTime::<Utc>::UNIX_EPOCH,
                expires_at: DateTime::<Utc>::MAX_UTC,
            })
            .collect())
    }

    fn session(&self, key: &str) -> Result<Option<SessionInfo>, StoreError> {
        Ok(self
            .state()
            .part::<AccessMemory>()
            .sessions
            .get(key)
            .map(|u| SessionInfo {
                key: key.to_string(),
                user_id: *u,
                created_at: DateTime::<Utc>::UNIX_EPOCH,
                expires_at: DateTime::<Utc>::MAX_UTC,
            }))
    }

    fn audit_entries(
        &self,
        scope: &AccessScope,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let day = |d: chrono::NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
        let s = self.state();
        let mut out: Vec<AuditRecord> = s
            .audit
            .iter()
            .rev()
            .filter(|(_, _, e)| {
                e.jurisdiction
                    .as_deref()
                    .is_none_or(|j| scope.covers_str(j))
            })
            .filter(|(actor, _, _)| {
                filter
                    .actor
                    .as_deref()
                    .is_none_or(|a| actor.to_lowercase().contains(&a.to_lowercase()))
            })
            .filter(|(_, _, e)| filter.action.as_deref().is_none_or(|a| e.action == a))
            .filter(|(_, _, e)| {
                filter.jurisdiction.as_deref().is_none_or(|f| {
                    e.jurisdiction
                        .as_deref()
                        .is_some_and(|j| j == f || j.starts_with(&format!("{f}/")))
                })
            })
            .filter(|(_, at, _)| filter.from.is_none_or(|d| *at >= day(d)))
            .filter(|(_, at, _)| {
                filter
                    .to
                    .and_then(|d| d.succ_opt())
                    .is_none_or(|d| *at < day(d))
            })
            .map(|(actor, at, e)| AuditRecord {
                at: *at,
                actor: actor.clone(),
                action: e.action.clone(),
                jurisdiction: e.jurisdiction.clone(),
                client_addr: e.client_addr.clone(),
                details: e.details.clone(),
            })
            .collect();
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(out.len());
        out.drain(..start);
        out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(out)
    }
}
