//! Administration of the access context: admins decide who sees which jurisdiction.
//!
//! Listing and creating users, adding and removing grants, disabling and enabling, one-time
//! set-password links, ending sessions and reading the audit log. Every command and query
//! takes the [`Administrator`] calling it and acts only inside their scope (the subtrees of
//! their `admin` grants): a user is manageable when they hold at least one grant and every
//! grant lies inside that scope ([`manages`]); any other user is treated as absent.

mod audit;
mod grants;
mod links;
mod sessions;
mod users;

pub use audit::audit_entries;
pub use grants::{GrantChange, add_grant, grantable_jurisdictions, remove_grant};
pub use links::{PasswordSet, SetPasswordError, link_user, set_password};
pub use sessions::revoke_session;
pub use users::{
    IssuedLink, UserDetail, create_user, list_users, reset_password, set_user_disabled, user_detail,
};

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::application::access::Credentials;
use crate::application::access::ports::{
    AccessTx, Accounts, AdminQueries, AuditRecord, JurisdictionDirectory, NewLink,
};
use crate::application::shared::{Caller, Clock, StoreError, StoreFailure, Transaction};
use crate::domain::access::{AccessChange, Grants, Password, User, UserAccessChanged};
use crate::domain::shared::{AccessScope, DomainEvent, JurisdictionPath};

/// How long a set-password link stays valid after it is issued: 24 hours.
pub const LINK_LIFETIME: Duration = Duration::hours(24);

/// Entries per page of the audit log.
pub const AUDIT_PAGE_SIZE: u64 = 100;

/// The password hash of a user who has no password yet (or whose password was reset): not a
/// PHC string, so [`PasswordHasher::verify`](crate::domain::access::PasswordHasher::verify) fails for every password typed.
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

/// What every change of a user's grants, role or status does besides the change itself, in
/// its unit of work: the user's unused set-password links are cancelled (a link kept by the
/// admin who made it must not outlive a widening of the user's grants by another admin), and
/// their sessions end and are voided as of `now`. How many session rows ended.
fn access_changed<T: AccessTx>(
    tx: &mut T,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    tx.users().drop_unused_links(user_id)?;
    tx.users().end_sessions(user_id, now)
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

/// Publishes [`UserAccessChanged`] of `user_id` in `tx`, as of the admin ports' clock.
fn changed<T: Transaction>(
    tx: &mut T,
    clock: &dyn Clock,
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
        clock.now(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::{Grant, Role};

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
