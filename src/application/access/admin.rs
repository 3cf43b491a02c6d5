//! Administration of the access context: admins decide who sees which jurisdiction.
//!
//! Listing and creating users, adding and removing grants, disabling and enabling, one-time
//! set-password links, ending sessions and reading the audit log. Every command and query
//! takes the [`Administrator`] calling it and acts only inside their scope (the subtrees of
//! their `admin` grants): a user is manageable when they hold at least one grant and every
//! grant lies inside that scope ([`manages`]); any other user is treated as absent.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    AuditEvent, AuditLog, Clock, JurisdictionDirectory, SetDisabledError, UserRepository,
    set_disabled,
};
use crate::application::shared::StoreError;
use crate::domain::access::{
    Email, Grant, Grants, Password, PasswordError, PasswordHasher, PasswordStrength, Role, User,
};
use crate::domain::shared::{AccessScope, JurisdictionPath};

/// How long a set-password link stays valid after it is issued: 24 hours.
pub const LINK_LIFETIME: Duration = Duration::hours(24);

/// Entries per page of the audit log.
pub const AUDIT_PAGE_SIZE: u64 = 100;

/// The password hash of a user who has no password yet (or whose password was reset): not a
/// PHC string, so [`PasswordHasher::verify`] fails for every password typed.
pub const UNUSABLE_PASSWORD_HASH: &str = "!no password: set one with a one-time link";

/// The token of a one-time set-password link: 64 lowercase hex characters (256 random bits
/// from the operating system's random source, made by the caller).
///
/// The first 16 characters are the lookup key, stored in the clear; the other 48 are the
/// secret, stored only as an argon2id hash, so the table alone opens no account.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

/// Why a text is not a link token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a link token (64 lowercase hex characters)")]
pub struct NotALinkToken;

impl LinkToken {
    /// Characters of a token.
    pub const LEN: usize = 64;
    /// Characters of the lookup key at the start of a token.
    pub const LOOKUP_LEN: usize = 16;

    /// Parses a token as it appears in a link.
    ///
    /// # Errors
    /// [`NotALinkToken`] unless the text is exactly 64 characters of `0-9a-f`.
    pub fn parse(text: &str) -> Result<Self, NotALinkToken> {
        if text.len() == Self::LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(LinkToken(text.to_string()))
        } else {
            Err(NotALinkToken)
        }
    }

    /// The lookup key: the first 16 characters.
    pub fn lookup(&self) -> &str {
        self.0.get(..Self::LOOKUP_LEN).unwrap_or_default()
    }

    /// The secret: the last 48 characters, hashed before it is stored.
    fn secret(&self) -> &str {
        self.0.get(Self::LOOKUP_LEN..).unwrap_or_default()
    }

    /// The whole token, to build the link shown once to the admin.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkToken({}…)", self.lookup())
    }
}

/// The admin calling a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Administrator {
    /// Their user id (an admin cannot change their own account here).
    pub user_id: Uuid,
    /// Their e-mail, recorded as the actor and as `granted_by`.
    pub email: String,
    /// Where they may manage users: their grants' scope of `Permission::ManageUsers`.
    pub scope: AccessScope,
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
    /// The session's key (the cookie's value): shown shortened, sent back whole to revoke.
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
    /// End of validity: [`LINK_LIFETIME`] after issue.
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
pub struct AuditEntry {
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

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// Up to [`AUDIT_PAGE_SIZE`] entries, newest first.
    pub entries: Vec<AuditEntry>,
    /// True when older entries follow.
    pub more: bool,
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
    ) -> Result<Vec<AuditEntry>, StoreError>;
}

/// Changes to users, grants, sessions and set-password links, each in one transaction.
pub trait UserAdministration: Send + Sync {
    /// Inserts `user` with `grant` (granted `by`) and the set-password `link`; false, and
    /// nothing written, when a user with the same e-mail exists.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn create_user(
        &self,
        user: &User,
        grant: &Grant,
        by: &str,
        link: &NewLink,
    ) -> Result<bool, StoreError>;

    /// Adds `grant` (nothing when it exists), keeps the user's `is_admin` flag equal to
    /// "holds an admin grant", and ends the user's sessions; how many were ended.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn add_grant(&self, grant: &Grant, by: &str) -> Result<u64, StoreError>;

    /// Removes `grant`, keeps `is_admin` in step and ends the user's sessions; how many were
    /// ended, `None` (and nothing changed) when there was no such grant.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn remove_grant(&self, grant: &Grant) -> Result<Option<u64>, StoreError>;

    /// Ends the session with `key`; false when there was none.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn end_session(&self, key: &str) -> Result<bool, StoreError>;

    /// Replaces the user's password hash with `unusable_hash`, ends their sessions, drops
    /// their unused links and stores `link`; how many sessions were ended.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn reset_password(
        &self,
        user_id: Uuid,
        unusable_hash: &str,
        link: &NewLink,
    ) -> Result<u64, StoreError>;

    /// The link with the lookup key `lookup`, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn link(&self, lookup: &str) -> Result<Option<StoredLink>, StoreError>;

    /// Uses the link `lookup` when it is unused and valid after `now`: marks it used at
    /// `now`, sets the user's password hash to `password_hash`, drops their other unused
    /// links and ends their sessions. How many sessions were ended; `None`, and nothing
    /// changed, when the link was used, expired or absent.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn redeem_link(
        &self,
        lookup: &str,
        now: DateTime<Utc>,
        password_hash: &str,
    ) -> Result<Option<u64>, StoreError>;
}

/// The ports the admin use cases need.
#[derive(Clone, Copy)]
pub struct AdminPorts<'a> {
    /// Users and grants.
    pub users: &'a dyn UserRepository,
    /// The jurisdiction tree.
    pub directory: &'a dyn JurisdictionDirectory,
    /// Changes.
    pub store: &'a dyn UserAdministration,
    /// Reads.
    pub queries: &'a dyn AdminQueries,
    /// Hashing of link secrets and passwords.
    pub hasher: &'a dyn PasswordHasher,
    /// How easy a chosen password is to guess.
    pub strength: &'a dyn PasswordStrength,
    /// The audit log (for use cases that record their own events).
    pub audit: &'a dyn AuditLog,
    /// The time: issue and expiry of links.
    pub clock: &'a dyn Clock,
}

/// Why an admin command or query was refused.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The user does not exist or is not manageable by this admin (both look the same).
    #[error("there is no such user")]
    UnknownUser,
    /// The session does not exist, ended, or belongs to a user this admin cannot manage.
    #[error("there is no such session")]
    UnknownSession,
    /// The user does not hold that grant.
    #[error("the user does not hold that grant")]
    UnknownGrant,
    /// The jurisdiction does not exist or lies outside the admin's scope.
    #[error("`{0}` is not a jurisdiction you can grant roles on")]
    OutsideScope(String),
    /// A user with that e-mail exists already.
    #[error("a user with the e-mail {0} exists already")]
    EmailTaken(String),
    /// Removing the grant would leave the user with none (and unmanageable by anyone).
    #[error("a user keeps at least one grant: disable the user instead")]
    LastGrant,
    /// Admins do not change their own account here.
    #[error("you cannot change your own account: ask another administrator")]
    OwnAccount,
    /// The hasher failed.
    #[error("hashing failed: {0}")]
    Hash(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<SetDisabledError> for AdminError {
    fn from(e: SetDisabledError) -> Self {
        match e {
            SetDisabledError::UnknownUser(_) => AdminError::UnknownUser,
            SetDisabledError::Store(s) => AdminError::Store(s),
        }
    }
}

/// True when an admin whose scope is `scope` may manage a user holding `grants`: the user
/// holds at least one grant and every grant lies inside the scope.
pub fn manages(scope: &AccessScope, grants: &Grants) -> bool {
    !grants.0.is_empty() && grants.0.iter().all(|g| scope.covers(&g.jurisdiction))
}

/// The deepest node covering every grant (the jurisdiction an event about the user is
/// recorded at); `None` without grants or when they lie in different countries.
pub fn common_ancestor(grants: &Grants) -> Option<JurisdictionPath> {
    let mut paths = grants.0.iter().map(|g| &g.jurisdiction);
    let mut acc = paths.next()?.clone();
    for p in paths {
        while !acc.covers(p) {
            acc = acc.parent()?;
        }
    }
    Some(acc)
}

/// The audit log, stamping each event that lacks them with a client address and a
/// jurisdiction (for use cases that record their own events, such as [`set_disabled`]).
pub struct StampedAudit<'a> {
    /// Where the events go.
    pub inner: &'a dyn AuditLog,
    /// The client's address.
    pub client_addr: Option<String>,
    /// The jurisdiction concerned.
    pub jurisdiction: Option<String>,
}

impl AuditLog for StampedAudit<'_> {
    fn record(&self, event: &AuditEvent) -> Result<(), StoreError> {
        let mut e = event.clone();
        if e.client_addr.is_none() {
            e.client_addr = self.client_addr.clone();
        }
        if e.jurisdiction.is_none() {
            e.jurisdiction = self.jurisdiction.clone();
        }
        self.inner.record(&e)
    }
}

/// The user `id` with their grants, when `admin` may manage them.
fn managed_user(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    id: Uuid,
) -> Result<(User, Grants), AdminError> {
    let user = p.users.by_id(id)?.ok_or(AdminError::UnknownUser)?;
    let grants = p.users.grants_of(id)?;
    if manages(&admin.scope, &grants) {
        Ok((user, grants))
    } else {
        Err(AdminError::UnknownUser)
    }
}

/// Refuses changes to the admin's own account.
fn not_own(admin: &Administrator, user: &User) -> Result<(), AdminError> {
    if user.id == admin.user_id {
        Err(AdminError::OwnAccount)
    } else {
        Ok(())
    }
}

/// Checks that `path` exists and lies inside the admin's scope.
fn grantable(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    path: &JurisdictionPath,
) -> Result<(), AdminError> {
    if admin.scope.covers(path) && p.directory.exists(path)? {
        Ok(())
    } else {
        Err(AdminError::OutsideScope(path.to_string()))
    }
}

/// A link for `user_id` with `token`, valid for [`LINK_LIFETIME`] from now.
fn new_link(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    token: &LinkToken,
    user_id: Uuid,
) -> Result<NewLink, AdminError> {
    let secret = Password::new(token.secret()).map_err(|e| AdminError::Hash(e.to_string()))?;
    let secret_hash = p.hasher.hash(&secret).map_err(AdminError::Hash)?;
    let now = p.clock.now();
    Ok(NewLink {
        lookup: token.lookup().to_string(),
        secret_hash,
        user_id,
        created_at: now,
        expires_at: now + LINK_LIFETIME,
        created_by: admin.email.clone(),
    })
}

/// The users `admin` may manage, ordered by e-mail.
///
/// # Errors
/// [`StoreError`] when the database fails.
#[tracing::instrument(skip(p))]
pub fn list_users(
    p: &AdminPorts<'_>,
    admin: &Administrator,
) -> Result<Vec<UserSummary>, StoreError> {
    Ok(p.queries
        .users()?
        .into_iter()
        .filter(|u| manages(&admin.scope, &u.grants))
        .collect())
}

/// The jurisdictions `admin` may grant roles on (geography's tree inside their scope), in
/// path order.
///
/// # Errors
/// [`StoreError`] when the database fails.
#[tracing::instrument(skip(p))]
pub fn grantable_jurisdictions(
    p: &AdminPorts<'_>,
    admin: &Administrator,
) -> Result<Vec<JurisdictionPath>, StoreError> {
    Ok(p.directory
        .paths()?
        .into_iter()
        .filter(|path| admin.scope.covers(path))
        .collect())
}

/// A user as the admin's user page shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct UserDetail {
    /// The user.
    pub user: User,
    /// Their grants.
    pub grants: Grants,
    /// Their active sessions, newest first.
    pub sessions: Vec<SessionInfo>,
}

/// The user `id` with their grants and active sessions.
///
/// # Errors
/// [`AdminError::UnknownUser`] when the user does not exist or `admin` may not manage them;
/// [`AdminError::Store`] when the database fails.
#[tracing::instrument(skip(p))]
pub fn user_detail(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    id: Uuid,
) -> Result<UserDetail, AdminError> {
    let (user, grants) = managed_user(p, admin, id)?;
    let sessions = p.queries.sessions_of(id)?;
    Ok(UserDetail {
        user,
        grants,
        sessions,
    })
}

/// A one-time set-password link just issued: the only time its token is known.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    /// For whom.
    pub user: User,
    /// The token to put in the link.
    pub token: LinkToken,
    /// End of validity (UTC).
    pub expires_at: DateTime<Utc>,
    /// Sessions of the user ended by the command.
    pub sessions_ended: u64,
    /// The jurisdiction the event is recorded at.
    pub jurisdiction: Option<JurisdictionPath>,
}

/// Creates the user `email` with `role` on `at` and no usable password, and issues a
/// one-time set-password link with `token`, valid for 24 hours.
///
/// # Errors
/// [`AdminError::OutsideScope`] when `at` does not exist or lies outside the admin's scope,
/// [`AdminError::EmailTaken`] when the e-mail is in use, [`AdminError::Hash`] or
/// [`AdminError::Store`] when hashing or the database fails.
#[tracing::instrument(skip(p, token))]
pub fn create_user(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    email: &Email,
    role: Role,
    at: &JurisdictionPath,
    token: &LinkToken,
) -> Result<IssuedLink, AdminError> {
    grantable(p, admin, at)?;
    let user = User {
        id: Uuid::new_v4(),
        email: email.clone(),
        password_hash: UNUSABLE_PASSWORD_HASH.to_string(),
        is_admin: role == Role::Admin,
        disabled: false,
    };
    let grant = Grant {
        user_id: user.id,
        role,
        jurisdiction: at.clone(),
    };
    let link = new_link(p, admin, token, user.id)?;
    if !p.store.create_user(&user, &grant, &admin.email, &link)? {
        return Err(AdminError::EmailTaken(email.to_string()));
    }
    tracing::info!(user_id = %user.id, "user created");
    Ok(IssuedLink {
        user,
        token: token.clone(),
        expires_at: link.expires_at,
        sessions_ended: 0,
        jurisdiction: Some(at.clone()),
    })
}

/// A grant added or removed.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantChange {
    /// Whose grant.
    pub user: User,
    /// Their sessions ended by the change.
    pub sessions_ended: u64,
}

/// Gives the user `id` the role `role` on `at`, and ends their sessions (their next session
/// carries the new grants).
///
/// # Errors
/// [`AdminError::UnknownUser`] when `admin` may not manage the user,
/// [`AdminError::OwnAccount`] for the admin's own account, [`AdminError::OutsideScope`] when
/// `at` does not exist or lies outside the admin's scope, [`AdminError::Store`].
#[tracing::instrument(skip(p))]
pub fn add_grant(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    id: Uuid,
    role: Role,
    at: &JurisdictionPath,
) -> Result<GrantChange, AdminError> {
    let (user, _) = managed_user(p, admin, id)?;
    not_own(admin, &user)?;
    grantable(p, admin, at)?;
    let sessions_ended = p.store.add_grant(
        &Grant {
            user_id: id,
            role,
            jurisdiction: at.clone(),
        },
        &admin.email,
    )?;
    Ok(GrantChange {
        user,
        sessions_ended,
    })
}

/// Takes the role `role` on `at` from the user `id`, and ends their sessions.
///
/// # Errors
/// [`AdminError::UnknownUser`] when `admin` may not manage the user,
/// [`AdminError::OwnAccount`] for the admin's own account, [`AdminError::UnknownGrant`] when
/// the user does not hold it, [`AdminError::LastGrant`] when it is their only grant,
/// [`AdminError::Store`].
#[tracing::instrument(skip(p))]
pub fn remove_grant(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    id: Uuid,
    role: Role,
    at: &JurisdictionPath,
) -> Result<GrantChange, AdminError> {
    let (user, grants) = managed_user(p, admin, id)?;
    not_own(admin, &user)?;
    let grant = Grant {
        user_id: id,
        role,
        jurisdiction: at.clone(),
    };
    if !grants.0.contains(&grant) {
        return Err(AdminError::UnknownGrant);
    }
    if grants.0.len() == 1 {
        return Err(AdminError::LastGrant);
    }
    let sessions_ended = p
        .store
        .remove_grant(&grant)?
        .ok_or(AdminError::UnknownGrant)?;
    Ok(GrantChange {
        user,
        sessions_ended,
    })
}

/// Disables (ending their sessions) or re-enables the user `id` through
/// [`set_disabled`], which records `user.disabled` or `user.enabled` stamped with
/// `client_addr` and the user's jurisdiction. The user and the sessions ended.
///
/// # Errors
/// [`AdminError::UnknownUser`] when `admin` may not manage the user,
/// [`AdminError::OwnAccount`] for the admin's own account, [`AdminError::Store`].
#[tracing::instrument(skip(p))]
pub fn set_user_disabled(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    id: Uuid,
    disabled: bool,
    client_addr: Option<String>,
) -> Result<(User, u64), AdminError> {
    let (user, grants) = managed_user(p, admin, id)?;
    not_own(admin, &user)?;
    let audit = StampedAudit {
        inner: p.audit,
        client_addr,
        jurisdiction: common_ancestor(&grants).map(|j| j.to_string()),
    };
    let ended = set_disabled(p.users, &audit, &user.email, disabled, &admin.email)?;
    Ok((user, ended))
}

/// Makes the password of the user `id` unusable, ends their sessions, and issues a new
/// one-time set-password link with `token` (earlier unused links stop working).
///
/// # Errors
/// [`AdminError::UnknownUser`] when `admin` may not manage the user,
/// [`AdminError::OwnAccount`] for the admin's own account, [`AdminError::Hash`],
/// [`AdminError::Store`].
#[tracing::instrument(skip(p, token))]
pub fn reset_password(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    id: Uuid,
    token: &LinkToken,
) -> Result<IssuedLink, AdminError> {
    let (user, grants) = managed_user(p, admin, id)?;
    not_own(admin, &user)?;
    let link = new_link(p, admin, token, id)?;
    let sessions_ended = p.store.reset_password(id, UNUSABLE_PASSWORD_HASH, &link)?;
    Ok(IssuedLink {
        user,
        token: token.clone(),
        expires_at: link.expires_at,
        sessions_ended,
        jurisdiction: common_ancestor(&grants),
    })
}

/// Ends the session `key` of a user `admin` may manage; that user and their jurisdiction.
///
/// # Errors
/// [`AdminError::UnknownSession`] when there is no such active session or its user is not
/// manageable by `admin`, [`AdminError::Store`].
#[tracing::instrument(skip(p, key))]
pub fn revoke_session(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    key: &str,
) -> Result<(User, Option<JurisdictionPath>), AdminError> {
    let session = p.queries.session(key)?.ok_or(AdminError::UnknownSession)?;
    let (user, grants) = match managed_user(p, admin, session.user_id) {
        Ok(found) => found,
        Err(AdminError::UnknownUser) => return Err(AdminError::UnknownSession),
        Err(e) => return Err(e),
    };
    if !p.store.end_session(key)? {
        return Err(AdminError::UnknownSession);
    }
    Ok((user, common_ancestor(&grants)))
}

/// Page `page` (from 1) of the audit entries `admin` may read: those matching `filter`
/// whose jurisdiction is none or lies inside the admin's scope, newest first,
/// [`AUDIT_PAGE_SIZE`] a page.
///
/// # Errors
/// [`StoreError`] when the database fails.
#[tracing::instrument(skip(p))]
pub fn audit_entries(
    p: &AdminPorts<'_>,
    admin: &Administrator,
    filter: &AuditFilter,
    page: u64,
) -> Result<AuditPage, StoreError> {
    let offset = page.saturating_sub(1).saturating_mul(AUDIT_PAGE_SIZE);
    let mut entries = p
        .queries
        .audit_entries(&admin.scope, filter, offset, AUDIT_PAGE_SIZE + 1)?;
    let more = entries.len() as u64 > AUDIT_PAGE_SIZE;
    entries.truncate(AUDIT_PAGE_SIZE as usize);
    Ok(AuditPage { entries, more })
}

/// Why a password could not be set through a link.
#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    /// The link is unknown, used, expired, or its user is disabled.
    #[error("this link is not valid any more")]
    InvalidLink,
    /// The two passwords typed differ.
    #[error("the two passwords are not the same")]
    Mismatch,
    /// The password breaks the length policy.
    #[error(transparent)]
    Policy(#[from] PasswordError),
    /// The password is the user's e-mail address.
    #[error("the password may not be your e-mail address")]
    SameAsEmail,
    /// The password is common or otherwise too easy to guess.
    #[error("{0}")]
    TooEasy(String),
    /// The hasher failed.
    #[error("hashing failed: {0}")]
    Hash(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The user a valid link `token` is for (unused, not expired by the application's clock,
/// its secret matching, its user enabled).
///
/// # Errors
/// [`SetPasswordError::InvalidLink`] otherwise, [`SetPasswordError::Store`].
#[tracing::instrument(skip(p, token))]
pub fn link_user(p: &AdminPorts<'_>, token: &LinkToken) -> Result<User, SetPasswordError> {
    let link = p
        .store
        .link(token.lookup())?
        .ok_or(SetPasswordError::InvalidLink)?;
    if link.used_at.is_some() || link.expires_at <= p.clock.now() {
        return Err(SetPasswordError::InvalidLink);
    }
    if !p.hasher.verify(token.secret(), &link.secret_hash) {
        return Err(SetPasswordError::InvalidLink);
    }
    match p.users.by_id(link.user_id)? {
        Some(user) if !user.disabled => Ok(user),
        _ => Err(SetPasswordError::InvalidLink),
    }
}

/// A password set through a link.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordSet {
    /// Whose.
    pub user: User,
    /// Their sessions ended.
    pub sessions_ended: u64,
    /// The jurisdiction the event is recorded at.
    pub jurisdiction: Option<JurisdictionPath>,
}

/// Sets the password of the user of link `token` to `password` (typed twice: `confirm`),
/// uses up the link and ends the user's sessions.
///
/// # Errors
/// [`SetPasswordError::InvalidLink`] when the link is not valid (or stopped being valid
/// meanwhile), [`SetPasswordError::Mismatch`], [`SetPasswordError::Policy`] (fewer than 12
/// or more than 128 characters), [`SetPasswordError::SameAsEmail`],
/// [`SetPasswordError::Hash`], [`SetPasswordError::Store`].
#[tracing::instrument(skip(p, token, password, confirm))]
pub fn set_password(
    p: &AdminPorts<'_>,
    token: &LinkToken,
    password: &str,
    confirm: &str,
) -> Result<PasswordSet, SetPasswordError> {
    let user = link_user(p, token)?;
    if password != confirm {
        return Err(SetPasswordError::Mismatch);
    }
    let password = Password::new(password)?;
    if password.expose().trim().to_lowercase() == user.email.as_str() {
        return Err(SetPasswordError::SameAsEmail);
    }
    if let Some(why) = p
        .strength
        .weakness(password.expose(), &[user.email.as_str()])
    {
        return Err(SetPasswordError::TooEasy(why));
    }
    let hash = p.hasher.hash(&password).map_err(SetPasswordError::Hash)?;
    let sessions_ended = p
        .store
        .redeem_link(token.lookup(), p.clock.now(), &hash)?
        .ok_or(SetPasswordError::InvalidLink)?;
    let grants = p.users.grants_of(user.id)?;
    tracing::info!(user_id = %user.id, "password set through a link");
    Ok(PasswordSet {
        user,
        sessions_ended,
        jurisdiction: common_ancestor(&grants),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> JurisdictionPath {
        JurisdictionPath::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn grants(paths: &[&str]) -> Grants {
        Grants(
            paths
                .iter()
                .map(|s| Grant {
                    user_id: Uuid::nil(),
                    role: Role::Viewer,
                    jurisdiction: p(s),
                })
                .collect(),
        )
    }

    #[test]
    fn an_admin_manages_users_whose_every_grant_lies_in_their_scope() {
        let scope = AccessScope::of(vec![p("Timor-Leste/Atauro")]);
        assert!(manages(&scope, &grants(&["Timor-Leste/Atauro/Station 6"])));
        assert!(manages(&scope, &grants(&["Timor-Leste/Atauro"])));
        assert!(!manages(
            &scope,
            &grants(&["Timor-Leste/Atauro", "Timor-Leste/Baucau"])
        ));
        assert!(!manages(&scope, &grants(&["Timor-Leste"])));
        assert!(!manages(&scope, &Grants::default()), "no grant: nobody's");
    }

    #[test]
    fn events_about_a_user_are_recorded_at_the_deepest_node_covering_their_grants() {
        assert_eq!(
            common_ancestor(&grants(&["Timor-Leste/Atauro/Station 6"])),
            Some(p("Timor-Leste/Atauro/Station 6"))
        );
        assert_eq!(
            common_ancestor(&grants(&[
                "Timor-Leste/Atauro",
                "Timor-Leste/Baucau/Station 4"
            ])),
            Some(p("Timor-Leste"))
        );
        assert_eq!(
            common_ancestor(&grants(&["Timor-Leste/Atauro", "Australia"])),
            None
        );
        assert_eq!(common_ancestor(&Grants::default()), None);
    }

    #[test]
    fn link_tokens_are_64_lowercase_hex_characters_and_are_not_printed() {
        let text = "0123456789abcdef".repeat(4);
        let t = LinkToken::parse(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.lookup(), "0123456789abcdef");
        assert_eq!(t.secret().len(), 48);
        assert_eq!(t.expose(), text);
        assert_eq!(format!("{t:?}"), "LinkToken(0123456789abcdef…)");
        for bad in [
            "",
            &text[..63],
            &format!("{text}0"),
            &text.to_uppercase(),
            &format!("{}g", &text[..63]),
            &format!("{}/", &text[..63]),
        ] {
            assert!(LinkToken::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_unusable_hash_is_not_a_phc_string() {
        assert!(!UNUSABLE_PASSWORD_HASH.starts_with('$'));
    }
}
