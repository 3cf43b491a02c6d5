//! Users: listing them, one user's page, creating one with a one-time set-password link,
//! disabling and enabling, and a new link in place of a forgotten password.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::application::access::ports::{AccessTx, AdminQueries, SessionInfo};
use crate::application::shared::{AuditEntry, ErrorKind, StoreError, Transaction, UnitOfWork};
use crate::domain::access::{AccessChange, Email, Grant, Grants, Role, User, UserGranted};
use crate::domain::shared::{DomainEvent, JurisdictionPath};

use super::{
    AdminError, AdminPorts, Administrator, LinkToken, UNUSABLE_PASSWORD_HASH, access_changed,
    changed, common_ancestor, grantable, managed_user, manages, new_link, not_own, when,
};

/// The users `admin` may manage, ordered by e-mail.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn list_users(
    queries: &dyn AdminQueries,
    admin: &Administrator,
) -> Result<Vec<crate::application::access::ports::UserSummary>, StoreError> {
    Ok(queries
        .users()?
        .into_iter()
        .filter(|u| manages(&admin.scope, &u.grants))
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
/// writes `user.created` and publishes [`UserAccessChanged`](crate::domain::access::UserAccessChanged) and [`UserGranted`].
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
        sessions_valid_after: None,
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
            changed(tx, p.clock, user.id, AccessChange::Created, Some(at))?;
            tx.publish(DomainEvent::new(
                UserGranted {
                    user_id: user.id,
                    role,
                    jurisdiction: at.to_string(),
                },
                p.clock.now(),
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

/// Disables (ending their sessions) or re-enables the user `id`, in one unit of work that
/// writes `user.disabled` or `user.enabled` at the user's jurisdiction and publishes
/// [`UserAccessChanged`](crate::domain::access::UserAccessChanged). The user and the sessions ended.
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
        let ended = access_changed(tx, id, p.clock.now())?;
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
        changed(tx, p.clock, id, change, at.as_ref())?;
        Ok((user, ended))
    })
}

/// Makes the password of the user `id` unusable, ends their sessions, and issues a new
/// one-time set-password link with `token` (earlier unused links stop working), in one unit
/// of work that writes `password.reset_issued` and publishes [`UserAccessChanged`](crate::domain::access::UserAccessChanged).
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
        let sessions_ended = access_changed(tx, id, p.clock.now())?;
        tx.users().store_link(&link)?;
        let at = common_ancestor(&grants);
        tx.audit(
            AuditEntry::new("password.reset_issued")
                .at_opt(at.as_ref().map(JurisdictionPath::as_str))
                .with("user", &user.email)
                .with("sessions_ended", sessions_ended)
                .with("link_expires", when(link.expires_at)),
        );
        changed(tx, p.clock, id, AccessChange::PasswordReset, at.as_ref())?;
        Ok(IssuedLink {
            user,
            token: token.clone(),
            expires_at: link.expires_at,
            sessions_ended,
            jurisdiction: at,
        })
    })
}
