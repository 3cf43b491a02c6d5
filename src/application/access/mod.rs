//! Use cases of the access context: users and their grants, logging in, administration.

pub mod account;
pub mod admin;
pub mod ports;

use chrono::Utc;
use uuid::Uuid;

use self::admin::common_ancestor;
use self::ports::{AccessTx, Accounts, JurisdictionDirectory};
use crate::application::shared::{
    AuditEntry, Caller, ErrorKind, StoreError, StoreFailure, Transaction, UnitOfWork,
};
use crate::domain::access::{
    AccessChange, Email, Grant, Password, PasswordError, PasswordHasher, PasswordStrength, Role,
    User, UserAccessChanged, UserGranted,
};
use crate::domain::shared::{DomainEvent, JurisdictionPath};

/// Why a user could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddUserError {
    /// The password breaks the policy.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The hasher failed.
    #[error("hashing failed: {0}")]
    Hash(String),
    /// The password is common or otherwise too easy to guess.
    #[error("{0}")]
    TooEasy(String),
    /// A grant names a node that does not exist.
    #[error("there is no jurisdiction `{0}` (write a path like Timor-Leste/Atauro)")]
    UnknownJurisdiction(String),
    /// An admin was asked for, but no jurisdiction exists to grant it on.
    #[error(
        "no jurisdiction exists yet to make an admin of: import data first, or name one with --jurisdiction"
    )]
    NoJurisdiction,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StoreFailure for AddUserError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            AddUserError::Store(e) => Some(e),
            _ => None,
        }
    }
}

/// A user to add: e-mail, chosen password and what to grant.
#[derive(Debug, Clone, Copy)]
pub struct NewUser<'a> {
    /// Login name.
    pub email: &'a Email,
    /// The password as typed.
    pub password: &'a str,
    /// What to grant.
    pub grants: &'a NewGrants,
}

/// What to grant a new user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewGrants {
    /// `role` on one node.
    On(Role, JurisdictionPath),
    /// `admin` on every country (the first admin, `tasi users add --admin`).
    AdminEverywhere,
}

/// The hashing and the password policy the access use cases need.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    /// Password hashing.
    pub hasher: &'a dyn PasswordHasher,
    /// How easy a chosen password is to guess.
    pub strength: &'a dyn PasswordStrength,
}

/// Why a new password was refused, wherever it is chosen (the account page, a set-password
/// link).
#[derive(Debug, thiserror::Error)]
pub enum NewPasswordError {
    /// The two passwords typed differ.
    #[error("the two passwords are not the same")]
    Mismatch,
    /// The password breaks the length policy.
    #[error(transparent)]
    Policy(#[from] crate::domain::access::PasswordError),
    /// The password is the user's e-mail address.
    #[error("the password may not be your e-mail address")]
    SameAsEmail,
    /// The password is common or otherwise too easy to guess.
    #[error("{0}")]
    TooEasy(String),
    /// The hasher failed.
    #[error("hashing failed: {0}")]
    Hash(String),
}

/// Checks a new password for the user `email`, typed twice (`new`, `confirm`), against the
/// policy, and hashes it: the two must match; 12 to 128 characters
/// ([`crate::domain::access::Password`], OWASP ASVS 5.0 V6.2.1 and V6.2.9); not the e-mail
/// itself; not easy to guess for that user (`credentials.strength`, zxcvbn score 3 or more).
///
/// # Errors
/// [`NewPasswordError`] saying which rule it breaks, or that hashing failed.
pub fn hash_new_password(
    credentials: Credentials<'_>,
    email: &Email,
    new: &str,
    confirm: &str,
) -> Result<String, NewPasswordError> {
    if new != confirm {
        return Err(NewPasswordError::Mismatch);
    }
    let password = crate::domain::access::Password::new(new)?;
    if password.expose().trim().to_lowercase() == email.as_str() {
        return Err(NewPasswordError::SameAsEmail);
    }
    if let Some(why) = credentials
        .strength
        .weakness(password.expose(), &[email.as_str()])
    {
        return Err(NewPasswordError::TooEasy(why));
    }
    credentials
        .hasher
        .hash(&password)
        .map_err(NewPasswordError::Hash)
}

/// Adds the user `new.email` with `new.password` (or resets an existing user's password)
/// and gives them `new.grants`, as `caller` (the command line), in one unit of work that
/// ends the user's sessions, writes `user.saved` with the grants they hold, and publishes
/// [`UserAccessChanged`] and a [`UserGranted`] per grant.
///
/// # Errors
/// [`AddUserError`] when the password breaks the policy (at least 12 characters, not too
/// easy to guess), a jurisdiction does not exist, hashing fails or storage fails.
#[tracing::instrument(skip(uow, directory, credentials, caller, new), fields(email = %new.email))]
pub fn add_user<U>(
    uow: &U,
    directory: &dyn JurisdictionDirectory,
    credentials: Credentials<'_>,
    caller: &Caller,
    new: &NewUser<'_>,
) -> Result<User, AddUserError>
where
    U: UnitOfWork,
    U::Tx: AccessTx,
{
    let NewUser {
        email,
        password,
        grants,
    } = *new;
    let password = Password::new(password)?;
    if let Some(why) = credentials
        .strength
        .weakness(password.expose(), &[email.as_str()])
    {
        return Err(AddUserError::TooEasy(why));
    }
    let to_grant: Vec<(Role, JurisdictionPath)> = match grants {
        NewGrants::On(role, path) => {
            if !directory.exists(path)? {
                return Err(AddUserError::UnknownJurisdiction(path.to_string()));
            }
            vec![(*role, path.clone())]
        }
        NewGrants::AdminEverywhere => {
            let roots = directory.roots()?;
            if roots.is_empty() {
                return Err(AddUserError::NoJurisdiction);
            }
            roots.into_iter().map(|p| (Role::Admin, p)).collect()
        }
    };
    let hash = credentials
        .hasher
        .hash(&password)
        .map_err(AddUserError::Hash)?;
    let new_id = Uuid::new_v4();
    let user = uow.run(caller, |tx| {
        let existing = tx.users().by_email(email)?;
        let user = User {
            id: existing.as_ref().map_or(new_id, |u| u.id),
            email: email.clone(),
            password_hash: hash.clone(),
            is_admin: existing.as_ref().is_some_and(|u| u.is_admin)
                || to_grant.iter().any(|(r, _)| *r == Role::Admin),
            disabled: false,
            sessions_valid_after: existing.as_ref().and_then(|u| u.sessions_valid_after),
        };
        tx.users().upsert(&user)?;
        let by = tx.caller().actor().to_string();
        for (role, path) in &to_grant {
            tx.users().add_grant(
                &Grant {
                    user_id: user.id,
                    role: *role,
                    jurisdiction: path.clone(),
                },
                &by,
            )?;
            tx.publish(DomainEvent::new(
                UserGranted {
                    user_id: user.id,
                    role: *role,
                    jurisdiction: path.to_string(),
                },
                Utc::now(),
            ))?;
        }
        // A password reset or a new grant ends the sessions the user had.
        tx.users().end_sessions(user.id, Utc::now())?;
        let granted = tx.users().grants_of(user.id)?;
        let mut entry = AuditEntry::new("user.saved").with("user", email);
        for g in &granted.0 {
            entry = entry.with(&format!("grant {}", g.jurisdiction), g.role);
        }
        tx.audit(entry);
        tx.publish(DomainEvent::new(
            UserAccessChanged {
                user_id: user.id,
                change: AccessChange::Saved,
                jurisdiction: common_ancestor(&granted).map(|j| j.to_string()),
            },
            Utc::now(),
        ))?;
        Ok::<_, AddUserError>(user)
    })?;
    tracing::info!(user_id = %user.id, "user saved");
    Ok(user)
}

/// Checks `email` and `password`; the user when they match an enabled account.
///
/// The same hashing work is done for unknown e-mails as for known ones.
///
/// # Errors
/// [`StoreError`] when the database fails.
#[tracing::instrument(skip(accounts, hasher, password))]
pub fn authenticate(
    accounts: &dyn Accounts,
    hasher: &dyn PasswordHasher,
    email: &str,
    password: &str,
) -> Result<Option<User>, StoreError> {
    let user = match Email::parse(email) {
        Ok(e) => accounts.by_email(&e)?,
        Err(_) => None,
    };
    match user {
        Some(u) => {
            let ok = hasher.verify(password, &u.password_hash);
            Ok((ok && !u.disabled).then_some(u))
        }
        None => {
            hasher.verify_dummy(password);
            Ok(None)
        }
    }
}

/// True when `e` is a conflict: a write refused because the row exists (an e-mail taken).
pub fn is_conflict(e: &StoreError) -> bool {
    e.kind() == ErrorKind::Conflict
}
