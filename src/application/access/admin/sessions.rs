//! Sessions: ending one of a managed user's sessions.

use crate::application::access::ports::AccessTx;
use crate::application::shared::{AuditEntry, Transaction, UnitOfWork};
use crate::domain::access::{AccessChange, User};
use crate::domain::shared::JurisdictionPath;

use super::{AdminError, AdminPorts, Administrator, changed, common_ancestor, managed_user};

/// Ends the session `key` of a user `admin` may manage, in one unit of work that writes
/// `session.revoked` (with the key's first 8 characters) and publishes
/// [`UserAccessChanged`](crate::domain::access::UserAccessChanged); that user and their jurisdiction.
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
        changed(
            tx,
            p.clock,
            user.id,
            AccessChange::SessionRevoked,
            at.as_ref(),
        )?;
        Ok((user, at))
    })
}
