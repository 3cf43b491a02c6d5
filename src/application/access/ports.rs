//! Ports of the access context: the user store inside a unit of work, and the reads that
//! happen outside one (logging in, the login guard, the admin pages, geography's tree).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::application::shared::{StoreError, Transaction};
use crate::domain::access::{Email, Grant, Grants, User};
use crate::domain::shared::{AccessScope, JurisdictionPath};

/// Users, grants, sessions and set-password links, inside a unit of work.
pub trait UserStore {
    /// The user with `email`, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn by_email(&mut self, email: &Email) -> Result<Option<User>, StoreError>;

    /// The user with `id`, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn by_id(&mut self, id: Uuid) -> Result<Option<User>, StoreError>;

    /// The grants of a user.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn grants_of(&mut self, user_id: Uuid) -> Result<Grants, StoreError>;

    /// Inserts a new user.
    ///
    /// # Errors
    /// [`StoreError`] of kind [`crate::application::shared::ErrorKind::Conflict`] when a
    /// user with the same e-mail exists; other kinds when the database fails.
    fn insert(&mut self, user: &User) -> Result<(), StoreError>;

    /// Inserts `user`, or replaces the password and flags of the user with the same e-mail.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn upsert(&mut self, user: &User) -> Result<(), StoreError>;

    /// Adds a grant (nothing happens when it exists), recorded as granted `by`, and keeps
    /// the user's `is_admin` flag equal to "holds an admin grant".
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn add_grant(&mut self, grant: &Grant, by: &str) -> Result<(), StoreError>;

    /// Removes a grant and keeps `is_admin` in step; false when there was no such grant.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn remove_grant(&mut self, grant: &Grant) -> Result<bool, StoreError>;

    /// Sets only the `disabled` flag of a user.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn set_disabled(&mut self, user_id: Uuid, disabled: bool) -> Result<(), StoreError>;

    /// Replaces a user's password hash.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn set_password_hash(&mut self, user_id: Uuid, hash: &str) -> Result<(), StoreError>;

    /// Ends every session of a user on the server, and voids any that began before `now`
    /// (the user's [`User::sessions_valid_after`] moves to `now`, so a session row written
    /// back by a request in flight is refused too); how many rows there were.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn end_sessions(&mut self, user_id: Uuid, now: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Ends the session whose key hashes to `key_hash`; false when there was none.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn end_session(&mut self, key_hash: &str) -> Result<bool, StoreError>;

    /// Stores a one-time set-password link.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn store_link(&mut self, link: &NewLink) -> Result<(), StoreError>;

    /// Drops the unused links of a user.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn drop_unused_links(&mut self, user_id: Uuid) -> Result<(), StoreError>;

    /// The link with the lookup key `lookup`, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn link(&mut self, lookup: &str) -> Result<Option<StoredLink>, StoreError>;

    /// Redeems the link `lookup` when it is unused and valid after `now`, in one step: marks
    /// it used at `now`, sets its user's password hash to `hash`, drops the user's other
    /// unused links and ends their sessions (as [`UserStore::end_sessions`]). Returns the
    /// user and the number of sessions ended (of two concurrent uses, one finds the link
    /// used); `None`, and nothing changed, when it was used, expired or absent. One step,
    /// because the database lets the application role set a password only this way or as
    /// the user themself.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn redeem_link(
        &mut self,
        lookup: &str,
        now: DateTime<Utc>,
        hash: &str,
    ) -> Result<Option<(Uuid, u64)>, StoreError>;
}

/// The transaction of the access use cases: hands out its store.
pub trait AccessTx: Transaction {
    /// Users, grants, sessions and links.
    fn users(&mut self) -> &mut dyn UserStore;
}

/// Reads of accounts outside a unit of work: logging in, and the login guard on every
/// request.
pub trait Accounts: Send + Sync {
    /// The user with `email`, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;

    /// The user with `id`, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn by_id(&self, id: Uuid) -> Result<Option<User>, StoreError>;

    /// The grants of a user.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn grants_of(&self, user_id: Uuid) -> Result<Grants, StoreError>;

    /// The user with `id` and their grants, read together (the login guard's read on every
    /// request).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn with_grants(&self, id: Uuid) -> Result<Option<(User, Grants)>, StoreError> {
        match self.by_id(id)? {
            Some(u) => {
                let g = self.grants_of(u.id)?;
                Ok(Some((u, g)))
            }
            None => Ok(None),
        }
    }
}

/// The jurisdiction tree as the access context needs it (geography's published view).
pub trait JurisdictionDirectory: Send + Sync {
    /// True when a node exists at `path`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn exists(&self, path: &JurisdictionPath) -> Result<bool, StoreError>;

    /// The roots of the tree (countries).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn roots(&self) -> Result<Vec<JurisdictionPath>, StoreError>;

    /// Every node of the tree, in path order.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn paths(&self) -> Result<Vec<JurisdictionPath>, StoreError>;
}

/// A user as the admin pages list them.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSummary {
    /// The user's id.
    pub id: Uuid,
    /// Login name.
    pub email: Email,
    /// A disabled user cannot log in.
    pub disabled: bool,
    /// The user's grants.
    pub grants: Grants,
    /// Sessions not yet expired on the server.
    pub active_sessions: u64,
}

/// A server-side session as admins see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// The SHA-256 of the session's key (hex; the cookie's value is never stored): shown
    /// shortened, sent back whole to revoke.
    pub key: String,
    /// Whose session it is.
    pub user_id: Uuid,
    /// When it started (UTC).
    pub created_at: DateTime<Utc>,
    /// When it ends without further requests (UTC).
    pub expires_at: DateTime<Utc>,
}

/// A one-time link as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLink {
    /// For whom.
    pub user_id: Uuid,
    /// The PHC string of the secret part of the token.
    pub secret_hash: String,
    /// End of validity (UTC).
    pub expires_at: DateTime<Utc>,
    /// When it was used, if it was.
    pub used_at: Option<DateTime<Utc>>,
    /// The e-mail of the admin who issued it: at redemption they must still manage the user.
    pub created_by: String,
}

/// A one-time link to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    /// The token's lookup key (16 hex characters).
    pub lookup: String,
    /// The PHC string of the token's secret.
    pub secret_hash: String,
    /// For whom.
    pub user_id: Uuid,
    /// When it was issued (UTC, the application's clock).
    pub created_at: DateTime<Utc>,
    /// End of validity: [`super::admin::LINK_LIFETIME`] after issue.
    pub expires_at: DateTime<Utc>,
    /// The admin who issued it.
    pub created_by: String,
}

/// What to show of the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Entries whose actor contains this text (case-insensitive; an exact name matches too).
    pub actor: Option<String>,
    /// Entries of exactly this action, e.g. `login.failed`.
    pub action: Option<String>,
    /// Entries on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Entries on or before this day (UTC).
    pub to: Option<NaiveDate>,
    /// Entries concerning this jurisdiction or a node below it, e.g. `Timor-Leste/Atauro`.
    pub jurisdiction: Option<String>,
}

/// One entry of the audit log as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// When (UTC, the database's clock).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// Which jurisdiction it concerns, when one.
    pub jurisdiction: Option<String>,
    /// From where.
    pub client_addr: Option<String>,
    /// Name/value pairs, in name order.
    pub details: Vec<(String, String)>,
}

/// Reads for the admin pages.
pub trait AdminQueries: Send + Sync {
    /// Every user with their grants and number of active sessions, ordered by e-mail.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn users(&self) -> Result<Vec<UserSummary>, StoreError>;

    /// The active sessions of a user, newest first.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn sessions_of(&self, user_id: Uuid) -> Result<Vec<SessionInfo>, StoreError>;

    /// The active session with `key`, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn session(&self, key: &str) -> Result<Option<SessionInfo>, StoreError>;

    /// Entries matching `filter` whose jurisdiction is none or lies inside `scope`, newest
    /// first, skipping `offset` and returning at most `limit`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn audit_entries(
        &self,
        scope: &AccessScope,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<AuditRecord>, StoreError>;
}
