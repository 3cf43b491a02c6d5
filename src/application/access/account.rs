//! A user's own account: changing their password, and logging out everywhere.
//!
//! Both end every session of the user, the one they act from included, and void any that a
//! request in flight writes back (the user's `sessions_valid_after` moves): OWASP ASVS 5.0
//! V7.4.3 (sessions end when credentials change) and V7.4.5 (the user can end every
//! session).

use uuid::Uuid;

use super::admin::common_ancestor;
use super::ports::{AccessTx, Accounts};
use super::{Credentials, NewPasswordError, hash_new_password};
use crate::application::shared::{
    AuditEntry, Caller, Clock, StoreError, StoreFailure, Transaction, UnitOfWork,
};
use crate::domain::access::{AccessChange, UserAccessChanged};
use crate::domain::shared::{DomainEvent, JurisdictionPath};

/// Why a password could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    /// The current password typed is not the user's (or the user is gone or disabled).
    #[error("the current password is not right")]
    WrongPassword,
    /// The new password is refused (or could not be hashed).
    #[error(transparent)]
    NewPassword(#[from] NewPasswordError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StoreFailure for ChangePasswordError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            ChangePasswordError::Store(e) => Some(e),
            _ => None,
        }
    }
}

/// The passwords typed on the change form.
#[derive(Clone, Copy)]
pub struct PasswordChange<'a> {
    /// The current password.
    pub current: &'a str,
    /// The new one.
    pub new: &'a str,
    /// The new one again.
    pub confirm: &'a str,
}

/// Changes the password of the user `user_id` (the caller) after checking their current
/// one, in one unit of work that ends all their sessions, cancels their unused set-password
/// links, writes `password.changed` and publishes [`UserAccessChanged`]; how many sessions
/// ended.
///
/// # Errors
/// [`ChangePasswordError::WrongPassword`], [`ChangePasswordError::NewPassword`] (see
/// [`hash_new_password`]), [`ChangePasswordError::Store`].
#[tracing::instrument(skip(uow, accounts, credentials, clock, caller, typed))]
pub fn change_password<U>(
    uow: &U,
    accounts: &dyn Accounts,
    credentials: Credentials<'_>,
    clock: &dyn Clock,
    caller: &Caller,
    user_id: Uuid,
    typed: PasswordChange<'_>,
) -> Result<u64, ChangePasswordError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    let user = accounts
        .by_id(user_id)?
        .filter(|u| !u.disabled)
        .ok_or(ChangePasswordError::WrongPassword)?;
    if !credentials
        .hasher
        .verify(typed.current, &user.password_hash)
    {
        return Err(ChangePasswordError::WrongPassword);
    }
    let hash = hash_new_password(credentials, &user.email, typed.new, typed.confirm)?;
    let now = clock.now();
    uow.run(caller, |tx| {
        tx.users().set_password_hash(user_id, &hash)?;
        tx.users().drop_unused_links(user_id)?;
        let ended = tx.users().end_sessions(user_id, now)?;
        let at = recorded_at(tx, user_id)?;
        tx.audit(
            AuditEntry::new("password.changed")
                .at_opt(at.as_ref().map(JurisdictionPath::as_str))
                .with("sessions_ended", ended),
        );
        publish(tx, clock, user_id, AccessChange::PasswordChanged, at)?;
        Ok::<_, ChangePasswordError>(ended)
    })
}

/// Ends every session of the user `user_id` (the caller), in one unit of work that writes
/// `sessions.ended_everywhere` and publishes [`UserAccessChanged`]; how many ended.
///
/// # Errors
/// [`StoreError`] when the database fails.
#[tracing::instrument(skip(uow, clock, caller))]
pub fn log_out_everywhere<U>(
    uow: &U,
    clock: &dyn Clock,
    caller: &Caller,
    user_id: Uuid,
) -> Result<u64, StoreError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    let now = clock.now();
    uow.run(caller, |tx| {
        let ended = tx.users().end_sessions(user_id, now)?;
        let at = recorded_at(tx, user_id)?;
        tx.audit(
            AuditEntry::new("sessions.ended_everywhere")
                .at_opt(at.as_ref().map(JurisdictionPath::as_str))
                .with("sessions_ended", ended),
        );
        publish(tx, clock, user_id, AccessChange::LoggedOutEverywhere, at)?;
        Ok(ended)
    })
}

/// The jurisdiction an event about `user_id` is recorded at: the deepest node covering their
/// grants.
fn recorded_at<T: AccessTx>(
    tx: &mut T,
    user_id: Uuid,
) -> Result<Option<JurisdictionPath>, StoreError> {
    let grants = tx.users().grants_of(user_id)?;
    Ok(common_ancestor(&grants))
}

fn publish<T: Transaction>(
    tx: &mut T,
    clock: &dyn Clock,
    user_id: Uuid,
    change: AccessChange,
    at: Option<JurisdictionPath>,
) -> Result<(), StoreError> {
    tx.publish(DomainEvent::new(
        UserAccessChanged {
            user_id,
            change,
            jurisdiction: at.map(|j| j.to_string()),
        },
        clock.now(),
    ))
}
