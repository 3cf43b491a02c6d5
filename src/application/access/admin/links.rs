//! One-time set-password links: who a link is for, and setting the password through it.

use chrono::{DateTime, Utc};

use crate::application::access::ports::AccessTx;
use crate::application::access::{Credentials, NewPasswordError, hash_new_password};
use crate::application::shared::{
    AuditEntry, Caller, StoreError, StoreFailure, Transaction, UnitOfWork,
};
use uuid::Uuid;

use crate::domain::access::{AccessChange, Email, Permission, User};
use crate::domain::shared::JurisdictionPath;

use super::{AdminPorts, LinkToken, changed, common_ancestor, manages};

/// Why a password could not be set through a link.
#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    /// The link is unknown, used, expired, or its user is disabled.
    #[error("this link is not valid any more")]
    InvalidLink,
    /// The password is refused (or could not be hashed).
    #[error(transparent)]
    NewPassword(#[from] NewPasswordError),
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
    let user = match tx.users().by_id(link.user_id)? {
        Some(user) if !user.disabled => user,
        _ => return Err(SetPasswordError::InvalidLink),
    };
    if !creator_manages(tx, &link.created_by, user.id)? {
        return Err(SetPasswordError::InvalidLink);
    }
    Ok(user)
}

/// True when the admin `creator` (an e-mail) is still enabled and still manages the user
/// `user_id` as their grants stand now: a link must not open an account whose grants were
/// widened beyond its issuer's scope after it was issued.
fn creator_manages<T: AccessTx>(
    tx: &mut T,
    creator: &str,
    user_id: Uuid,
) -> Result<bool, SetPasswordError> {
    let Ok(email) = Email::parse(creator) else {
        return Ok(false);
    };
    let Some(admin) = tx.users().by_email(&email)? else {
        return Ok(false);
    };
    if admin.disabled {
        return Ok(false);
    }
    let scope = tx
        .users()
        .grants_of(admin.id)?
        .scope(Permission::ManageUsers);
    let grants = tx.users().grants_of(user_id)?;
    Ok(manages(&scope, &grants))
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
/// `client_addr`) that writes `password.set` and publishes [`UserAccessChanged`](crate::domain::access::UserAccessChanged).
///
/// # Errors
/// [`SetPasswordError::InvalidLink`] when the link is not valid (or stopped being valid
/// meanwhile), [`SetPasswordError::NewPassword`] (see
/// [`hash_new_password`](crate::application::access::hash_new_password)),
/// [`SetPasswordError::Store`].
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
    let hash = hash_new_password(p.credentials, &user.email, password, confirm)?;
    let now = p.clock.now();
    let caller = Caller::anonymous(user.email.as_str()).from_addr(client_addr);
    let done = p.uow.run(&caller, |tx| {
        // The conditional use is the single-use check: of two concurrent uses, one finds
        // the link used.
        let (user_id, sessions_ended) = tx
            .users()
            .redeem_link(token.lookup(), now, &hash)?
            .filter(|(id, _)| *id == user.id)
            .ok_or(SetPasswordError::InvalidLink)?;
        let grants = tx.users().grants_of(user_id)?;
        let at = common_ancestor(&grants);
        tx.audit(
            AuditEntry::new("password.set")
                .at_opt(at.as_ref().map(JurisdictionPath::as_str))
                .with("sessions_ended", sessions_ended),
        );
        changed(tx, p.clock, user_id, AccessChange::PasswordSet, at.as_ref())?;
        Ok::<_, SetPasswordError>(PasswordSet {
            user: user.clone(),
            sessions_ended,
            jurisdiction: at,
        })
    })?;
    tracing::info!(user_id = %done.user.id, "password set through a link");
    Ok(done)
}
