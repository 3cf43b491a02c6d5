//! Grants: what an admin may grant, adding a grant and removing one.

use uuid::Uuid;

use crate::application::access::ports::{AccessTx, JurisdictionDirectory};
use crate::application::shared::{AuditEntry, Clock, StoreError, UnitOfWork};
use crate::domain::access::{Grant, GrantRevoked, Role, User, UserGranted};
use crate::domain::shared::{DomainEvent, EventPayload, JurisdictionPath};

use super::{
    AdminError, AdminPorts, Administrator, access_changed, grantable, managed_user, not_own,
};

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
        let event = UserGranted {
            user_id: id,
            role,
            jurisdiction: at.to_string(),
        };
        grant_changed(tx, p.clock, "grant.added", role, at, user, event)
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
        let event = GrantRevoked {
            user_id: id,
            role,
            jurisdiction: at.to_string(),
        };
        grant_changed(tx, p.clock, "grant.removed", role, at, user, event)
    })
}

/// What follows a change of `user`'s grant `role` on `at`, in its unit of work: their unused
/// links are cancelled and their sessions ended, `action` (`grant.added`, `grant.removed`)
/// is written at `at`, and `event` is published.
///
/// # Errors
/// [`AdminError::Store`] when the database fails.
fn grant_changed<T: AccessTx, E: EventPayload>(
    tx: &mut T,
    clock: &dyn Clock,
    action: &str,
    role: Role,
    at: &JurisdictionPath,
    user: User,
    event: E,
) -> Result<GrantChange, AdminError> {
    let sessions_ended = access_changed(tx, user.id, clock.now())?;
    tx.audit(
        AuditEntry::new(action)
            .at(at.as_str())
            .with("user", &user.email)
            .with("role", role)
            .with("sessions_ended", sessions_ended),
    );
    tx.publish(DomainEvent::new(event, clock.now()))?;
    Ok(GrantChange {
        user,
        sessions_ended,
    })
}
