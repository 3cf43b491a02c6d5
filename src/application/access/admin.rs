//! Administration of the access context: admins decide who sees which jurisdiction.
//!
//! Listing and creating users, adding and removing grants, disabling and enabling, one-time
//! set-password links, ending sessions and reading the audit log. Every command and query
//! takes the [`Administrator`] calling it and acts only inside their scope (the subtrees of
//! their `admin` grants): a user is manageable when they hold at least one grant and every
//! grant lies inside that scope ([`manages`]); any other user is treated as absent.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::Credentials;
use super::ports::{
    AccessTx, Accounts, AdminQueries, AuditFilter, AuditRecord, JurisdictionDirectory, NewLink,
    SessionInfo,
};
use crate::application::shared::{
    AuditEntry, Caller, Clock, ErrorKind, StoreError, StoreFailure, Transaction, UnitOfWork,
};
use crate::domain::access::{
    AccessChange, Email, Grant, GrantRevoked, Grants, Password, PasswordError, Role, User,
    UserAccessChanged, UserGranted,
};
use crate::domain::shared::{AccessScope, DomainEvent, JurisdictionPath};

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
    /// The client's address, for the audit log.
    pub client_addr: Option<String>,
}

impl Administrator {
    /// The admin as the caller of a unit of work: their scope, their address.
    pub fn caller(&self) -> Caller {
        Caller::user(self.user_id, &self.email, self.scope.clone())
            .from_addr(self.client_addr.clone())
    }
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// Up to [`AUDIT_PAGE_SIZE`] entries, newest first.
    pub entries: Vec<AuditRecord>,
    /// True when older entries follow.
    pub more: bool,
}

/// The ports the admin use cases need.
pub struct AdminPorts<'a, U> {
    /// The unit of work every change runs in.
    pub uow: &'a U,
    /// Reads of accounts.
    pub accounts: &'a dyn Accounts,
    /// The jurisdiction tree.
    pub directory: &'a dyn JurisdictionDirectory,
    /// Reads of the admin pages.
    pub queries: &'a dyn AdminQueries,
    /// Hashing of link secrets and passwords, and the password policy.
    pub credentials: Credentials<'a>,
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

impl StoreFailure for AdminError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            AdminError::Store(e) => Some(e),
            _ => None,
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

/// A time as the audit log and the link page write it: `2026-11-21 10:00 UTC`.
pub fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The user `id` with their grants, read in `tx`, when `admin` may manage them.
fn managed_user<T: AccessTx>(
    tx: &mut T,
    admin: &Administrator,
    id: Uuid,
) -> Result<(User, Grants), AdminError> {
    let user = tx.users().by_id(id)?.ok_or(AdminError::UnknownUser)?;
    let grants = tx.users().grants_of(id)?;
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
    directory: &dyn JurisdictionDirectory,
    admin: &Administrator,
    path: &JurisdictionPath,
) -> Result<(), AdminError> {
    if admin.scope.covers(path) && directory.exists(path)? {
        Ok(())
    } else {
        Err(AdminError::OutsideScope(path.to_string()))
    }
}

/// A link for `user_id` with `token`, valid for [`LINK_LIFETIME`] from now.
fn new_link<U>(
    p: &AdminPorts<'_, U>,
    admin: &Administrator,
    token: &LinkToken,
    user_id: Uuid,
) -> Result<NewLink, AdminError> {
    let secret = Password::new(token.secret()).map_err(|e| AdminError::Hash(e.to_string()))?;
    let secret_hash = p
        .credentials
        .hasher
        .hash(&secret)
        .map_err(AdminError::Hash)?;
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

/// Publishes [`UserAccessChanged`] of `user_id` in `tx`.
fn changed<T: Transaction>(
    tx: &mut T,
    user_id: Uuid,
    change: AccessChange,
    at: Option<&JurisdictionPath>,
) -> Result<(), StoreError> {
    tx.publish(DomainEvent::new(
        UserAccessChanged {
            user_id,
            change,
            jurisdiction: at.map(|j| j.to_string()),
        },
        Utc::now(),
    ))
}

/// The users `admin` may manage, ordered by e-mail.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn list_users(
    queries: &dyn AdminQueries,
    admin: &Administrator,
) -> Result<Vec<super::ports::UserSummary>, StoreError> {
    Ok(queries
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
pub fn grantable_jurisdictions(
    directory: &dyn JurisdictionDirectory,
    admin: &Administrator,
) -> Result<Vec<JurisdictionPath>, StoreError> {
    Ok(directory
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
pub fn user_detail<U>(
    p: &AdminPorts<'_, U>,
    admin: &Administrator,
    id: Uuid,
) -> Result<UserDetail, AdminError> {
    let user = p.accounts.by_id(id)?.ok_or(AdminError::UnknownUser)?;
    let grants = p.accounts.grants_of(id)?;
    if !manages(&admin.scope, &grants) {
        return Err(AdminError::UnknownUser);
    }
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
/// one-time set-password link with `token`, valid for 24 hours, in one unit of work that
/// writes `user.created` and publishes [`UserAccessChanged`] and [`UserGranted`].
///
/// # Errors
/// [`AdminError::OutsideScope`] when `at` does not exist or lies outside the admin's scope,
/// [`AdminError::EmailTaken`] when the e-mail is in use (the store's conflict),
/// [`AdminError::Hash`] or [`AdminError::Store`] when hashing or the database fails.
#[tracing::instrument(skip(p, token))]
pub fn create_user<U>(
    p: &AdminPorts<'_, U>,
    admin: &Administrator,
    email: &Email,
    role: Role,
    at: &JurisdictionPath,
    token: &LinkToken,
) -> Result<IssuedLink, AdminError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    grantable(p.directory, admin, at)?;
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
    p.uow
        .run(&admin.caller(), |tx| {
            tx.users().insert(&user)?;
            tx.users().add_grant(&grant, &admin.email)?;
            tx.users().store_link(&link)?;
            tx.audit(
                AuditEntry::new("user.created")
                    .at(at.as_str())
                    .with("user", email)
                    .with("role", role)
                    .with("link_expires", when(link.expires_at)),
            );
            changed(tx, user.id, AccessChange::Created, Some(at))?;
            tx.publish(DomainEvent::new(
                UserGranted {
                    user_id: user.id,
                    role,
                    jurisdiction: at.to_string(),
                },
                Utc::now(),
            ))?;
            Ok::<_, AdminError>(())
        })
        .map_err(|e| match e {
            AdminError::Store(s) if s.kind() == ErrorKind::Conflict => {
                AdminError::EmailTaken(email.to_string())
            }
            other => other,
        })?;
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

/// Gives the user `id` the role `role` on `at` and ends their sessions (their next session
/// carries the new grants), in one unit of work that writes `grant.added` and publishes
/// [`UserGranted`].
///
/// # Errors
/// [`AdminError::UnknownUser`] when `admin` may not manage the user,
/// [`AdminError::OwnAccount`] for the admin's own account, [`AdminError::OutsideScope`] when
/// `at` does not exist or lies outside the admin's scope, [`AdminError::Store`].
#[tracing::instrument(skip(p))]
pub fn add_grant<U>(
    p: &AdminPorts<'_, U>,
    admin: &Administrator,
    id: Uuid,
    role: Role,
    at: &JurisdictionPath,
) -> Result<GrantChange, AdminError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    grantable(p.directory, admin, at)?;
    p.uow.run(&admin.caller(), |tx| {
        let (user, _) = managed_user(tx, admin, id)?;
        not_own(admin, &user)?;
        tx.users().add_grant(
            &Grant {
                user_id: id,
                role,
                jurisdiction: at.clone(),
            },
            &admin.email,
        )?;
        let sessions_ended = tx.users().end_sessions(id)?;
        tx.audit(
            AuditEntry::new("grant.added")
                .at(at.as_str())
                .with("user", &user.email)
                .with("role", role)
                .with("sessions_ended", sessions_ended),
        );
        tx.publish(DomainEvent::new(
            UserGranted {
                user_id: id,
                role,
                jurisdiction: at.to_string(),
            },
            Utc::now(),
        ))?;
        Ok(GrantChange {
            user,
            sessions_ended,
        })
    })
}

/// Takes the role `role` on `at` from the user `id` and ends their sessions, in one unit of
/// work that writes `grant.removed` and publishes [`GrantRevoked`].
///
/// # Errors
/// [`AdminError::UnknownUser`] when `admin` may not manage the user,
/// [`AdminError::OwnAccount`] for the admin's own account, [`AdminError::UnknownGrant`] when
/// the user does not hold it, [`AdminError::LastGrant`] when it is their only grant,
/// [`AdminError::Store`].
#[tracing::instrument(skip(p))]
pub fn remove_grant<U>(
    p: &AdminPorts<'_, U>,
    admin: &Administrator,
    id: Uuid,
    role: Role,
    at: &JurisdictionPath,
) -> Result<GrantChange, AdminError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    p.uow.run(&admin.caller(), |tx| {
        let (user, grants) = managed_user(tx, admin, id)?;
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
        if !tx.users().remove_grant(&grant)? {
            return Err(AdminError::UnknownGrant);
        }
        let sessions_ended = tx.users().end_sessions(id)?;
        tx.audit(
            AuditEntry::new("grant.removed")
                .at(at.as_str())
                .with("user", &user.email)
                .with("role", role)
                .with("sessions_ended", sessions_ended),
        );
        tx.publish(DomainEvent::new(
            GrantRevoked {
                user_id: id,
                role,
                jurisdiction: at.to_string(),
            },
            Utc::now(),
        ))?;
        Ok(GrantChange {
            user,
            sessions_ended,
        })
    })
}

/// Disables (ending their sessions) or re-enables the user `id`, in one unit of work that
/// writes `user.disabled` or `user.enabled` at the user's jurisdiction and publishes
/// [`UserAccessChanged`]. The user and the sessions ended.
///
/// # Errors
/// [`AdminError::UnknownUser`] when `admin` may not manage the user,
/// [`AdminError::OwnAccount`] for the admin's own account, [`AdminError::Store`].
#[tracing::instrument(skip(p))]
pub fn set_user_disabled<U>(
    p: &AdminPorts<'_, U>,
    admin: &Administrator,
    id: Uuid,
    disabled: bool,
) -> Result<(User, u64), AdminError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    p.uow.run(&admin.caller(), |tx| {
        let (user, grants) = managed_user(tx, admin, id)?;
        not_own(admin, &user)?;
        tx.users().set_disabled(id, disabled)?;
        let ended = if disabled {
            tx.users().end_sessions(id)?
        } else {
            0
        };
        let at = common_ancestor(&grants);
        let (action, change) = if disabled {
            ("user.disabled", AccessChange::Disabled)
        } else {
            ("user.enabled", AccessChange::Enabled)
        };
        tx.audit(
            AuditEntry::new(action)
                .at_opt(at.as_ref().map(JurisdictionPath::as_str))
                .with("user", &user.email)
                .with("sessions_ended", ended),
        );
        changed(tx, id, change, at.as_ref())?;
        Ok((user, ended))
    })
}

/// Makes the password of the user `id` unusable, ends their sessions, and issues a new
/// one-time set-password link with `token` (earlier unused links stop working), in one unit
/// of work that writes `password.reset_issued` and publishes [`UserAccessChanged`].
///
/// # Errors
/// [`AdminError::UnknownUser`] when `admin` may not manage the user,
/// [`AdminError::OwnAccount`] for the admin's own account, [`AdminError::Hash`],
/// [`AdminError::Store`].
#[tracing::instrument(skip(p, token))]
pub fn reset_password<U>(
    p: &AdminPorts<'_, U>,
    admin: &Administrator,
    id: Uuid,
    token: &LinkToken,
) -> Result<IssuedLink, AdminError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    let link = new_link(p, admin, token, id)?;
    p.uow.run(&admin.caller(), |tx| {
        let (user, grants) = managed_user(tx, admin, id)?;
        not_own(admin, &user)?;
        tx.users().set_password_hash(id, UNUSABLE_PASSWORD_HASH)?;
        tx.users().drop_unused_links(id)?;
        tx.users().store_link(&link)?;
        let sessions_ended = tx.users().end_sessions(id)?;
        let at = common_ancestor(&grants);
        tx.audit(
            AuditEntry::new("password.reset_issued")
                .at_opt(at.as_ref().map(JurisdictionPath::as_str))
                .with("user", &user.email)
                .with("sessions_ended", sessions_ended)
                .with("link_expires", when(link.expires_at)),
        );
        changed(tx, id, AccessChange::PasswordReset, at.as_ref())?;
        Ok(IssuedLink {
            user,
            token: token.clone(),
            expires_at: link.expires_at,
            sessions_ended,
            jurisdiction: at,
        })
    })
}

/// Ends the session `key` of a user `admin` may manage, in one unit of work that writes
/// `session.revoked` (with the key's first 8 characters) and publishes
/// [`UserAccessChanged`]; that user and their jurisdiction.
///
/// # Errors
/// [`AdminError::UnknownSession`] when there is no such active session or its user is not
/// manageable by `admin`, [`AdminError::Store`].
#[tracing::instrument(skip(p, key))]
pub fn revoke_session<U>(
    p: &AdminPorts<'_, U>,
    admin: &Administrator,
    key: &str,
) -> Result<(User, Option<JurisdictionPath>), AdminError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    let session = p.queries.session(key)?.ok_or(AdminError::UnknownSession)?;
    let short: String = key.chars().take(8).collect();
    p.uow.run(&admin.caller(), |tx| {
        let (user, grants) = match managed_user(tx, admin, session.user_id) {
            Ok(found) => found,
            Err(AdminError::UnknownUser) => return Err(AdminError::UnknownSession),
            Err(e) => return Err(e),
        };
        if !tx.users().end_session(key)? {
            return Err(AdminError::UnknownSession);
        }
        let at = common_ancestor(&grants);
        tx.audit(
            AuditEntry::new("session.revoked")
                .at_opt(at.as_ref().map(JurisdictionPath::as_str))
                .with("user", &user.email)
                .with("session", format!("{short}…")),
        );
        changed(tx, user.id, AccessChange::SessionRevoked, at.as_ref())?;
        Ok((user, at))
    })
}

/// Page `page` (from 1) of the audit entries `admin` may read: those matching `filter`
/// whose jurisdiction is none or lies inside the admin's scope, newest first,
/// [`AUDIT_PAGE_SIZE`] a page.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn audit_entries(
    queries: &dyn AdminQueries,
    admin: &Administrator,
    filter: &AuditFilter,
    page: u64,
) -> Result<AuditPage, StoreError> {
    let offset = page.saturating_sub(1).saturating_mul(AUDIT_PAGE_SIZE);
    let mut entries = queries.audit_entries(&admin.scope, filter, offset, AUDIT_PAGE_SIZE + 1)?;
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

impl StoreFailure for SetPasswordError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            SetPasswordError::Store(e) => Some(e),
            _ => None,
        }
    }
}

/// The user a valid link `token` is for (unused, not expired by `now`, its secret matching
/// per `credentials`, its user enabled), read in `tx`.
fn valid_link_user<T: AccessTx>(
    tx: &mut T,
    credentials: Credentials<'_>,
    now: DateTime<Utc>,
    token: &LinkToken,
) -> Result<User, SetPasswordError> {
    let link = tx
        .users()
        .link(token.lookup())?
        .ok_or(SetPasswordError::InvalidLink)?;
    if link.used_at.is_some() || link.expires_at <= now {
        return Err(SetPasswordError::InvalidLink);
    }
    if !credentials.hasher.verify(token.secret(), &link.secret_hash) {
        return Err(SetPasswordError::InvalidLink);
    }
    match tx.users().by_id(link.user_id)? {
        Some(user) if !user.disabled => Ok(user),
        _ => Err(SetPasswordError::InvalidLink),
    }
}

/// The user a valid link `token` is for (unused, not expired by the application's clock,
/// its secret matching, its user enabled), read in a unit of work that writes nothing.
///
/// # Errors
/// [`SetPasswordError::InvalidLink`] otherwise, [`SetPasswordError::Store`].
#[tracing::instrument(skip(p, token))]
pub fn link_user<U>(p: &AdminPorts<'_, U>, token: &LinkToken) -> Result<User, SetPasswordError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    let now = p.clock.now();
    p.uow.run(&Caller::anonymous("set-password link"), |tx| {
        valid_link_user(tx, p.credentials, now, token)
    })
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
/// uses up the link and ends the user's sessions, in one unit of work (by the user, from
/// `client_addr`) that writes `password.set` and publishes [`UserAccessChanged`].
///
/// # Errors
/// [`SetPasswordError::InvalidLink`] when the link is not valid (or stopped being valid
/// meanwhile), [`SetPasswordError::Mismatch`], [`SetPasswordError::Policy`] (fewer than 12
/// or more than 128 characters), [`SetPasswordError::SameAsEmail`],
/// [`SetPasswordError::TooEasy`], [`SetPasswordError::Hash`], [`SetPasswordError::Store`].
#[tracing::instrument(skip(p, token, password, confirm, client_addr))]
pub fn set_password<U>(
    p: &AdminPorts<'_, U>,
    token: &LinkToken,
    password: &str,
    confirm: &str,
    client_addr: Option<String>,
) -> Result<PasswordSet, SetPasswordError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    let user = link_user(p, token)?;
    if password != confirm {
        return Err(SetPasswordError::Mismatch);
    }
    let password = Password::new(password)?;
    if password.expose().trim().to_lowercase() == user.email.as_str() {
        return Err(SetPasswordError::SameAsEmail);
    }
    if let Some(why) = p
        .credentials
        .strength
        .weakness(password.expose(), &[user.email.as_str()])
    {
        return Err(SetPasswordError::TooEasy(why));
    }
    let hash = p
        .credentials
        .hasher
        .hash(&password)
        .map_err(SetPasswordError::Hash)?;
    let now = p.clock.now();
    let caller = Caller::anonymous(user.email.as_str()).from_addr(client_addr);
    let done = p.uow.run(&caller, |tx| {
        // The conditional use is the single-use check: of two concurrent uses, one finds
        // the link used.
        let user_id = tx
            .users()
            .use_link(token.lookup(), now)?
            .filter(|id| *id == user.id)
            .ok_or(SetPasswordError::InvalidLink)?;
        tx.users().set_password_hash(user_id, &hash)?;
        tx.users().drop_unused_links(user_id)?;
        let sessions_ended = tx.users().end_sessions(user_id)?;
        let grants = tx.users().grants_of(user_id)?;
        let at = common_ancestor(&grants);
        tx.audit(
            AuditEntry::new("password.set")
                .at_opt(at.as_ref().map(JurisdictionPath::as_str))
                .with("sessions_ended", sessions_ended),
        );
        changed(tx, user_id, AccessChange::PasswordSet, at.as_ref())?;
        Ok::<_, SetPasswordError>(PasswordSet {
            user: user.clone(),
            sessions_ended,
            jurisdiction: at,
        })
    })?;
    tracing::info!(user_id = %done.user.id, "password set through a link");
    Ok(done)
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
