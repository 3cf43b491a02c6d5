//! Use cases of the access context: users and their grants, logging in, the audit log.

pub mod admin;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::application::shared::StoreError;
use crate::domain::access::{
    Email, Grant, Grants, Password, PasswordError, PasswordHasher, PasswordStrength, Role, User,
};
use crate::domain::shared::JurisdictionPath;

/// Storage of users, their grants and their sessions.
pub trait UserRepository: Send + Sync {
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

    /// Inserts `user`, or replaces the password and flags of the user with the same e-mail.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn upsert(&self, user: &User) -> Result<(), StoreError>;

    /// The grants of a user.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn grants_of(&self, user_id: Uuid) -> Result<Grants, StoreError>;

    /// Adds a grant (nothing happens when it exists); `by` names who granted it.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn add_grant(&self, grant: &Grant, by: &str) -> Result<(), StoreError>;

    /// Sets only the `disabled` flag of a user (nothing else of the account is written).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn set_disabled(&self, user_id: Uuid, disabled: bool) -> Result<(), StoreError>;

    /// Ends every session of a user on the server; how many there were.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn end_sessions(&self, user_id: Uuid) -> Result<u64, StoreError>;
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

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Who: a user's e-mail, `cli`, or what an anonymous client typed (for failed logins).
    pub actor: String,
    /// What, as `noun.verb`: `login.succeeded`, `login.failed`, `logout`, `import`, `export`,
    /// `authorisation.denied`, `user.saved`, `grant.added`, `session.revoked` …
    pub action: String,
    /// Which jurisdiction it concerns, when one.
    pub jurisdiction: Option<String>,
    /// From where: the client's address.
    pub client_addr: Option<String>,
    /// Anything else, as name/value pairs (stored as JSON; shown escaped).
    pub details: Vec<(String, String)>,
}

impl AuditEvent {
    /// An event of `actor` doing `action`.
    pub fn new(actor: &str, action: &str) -> Self {
        AuditEvent {
            actor: actor.to_string(),
            action: action.to_string(),
            jurisdiction: None,
            client_addr: None,
            details: Vec::new(),
        }
    }

    /// The same event, concerning `jurisdiction`.
    pub fn at(mut self, jurisdiction: &str) -> Self {
        self.jurisdiction = Some(jurisdiction.to_string());
        self
    }

    /// The same event, from `addr`.
    pub fn from(mut self, addr: Option<String>) -> Self {
        self.client_addr = addr;
        self
    }

    /// The same event with one more detail.
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.details.push((name.to_string(), value.to_string()));
        self
    }
}

/// The append-only audit log.
pub trait AuditLog: Send + Sync {
    /// Appends `event`, stamped with the database's UTC time.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn record(&self, event: &AuditEvent) -> Result<(), StoreError>;
}

/// The time, injectable so tests can move it.
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

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

/// Adds the user `email` with `password` (or resets an existing user's password) and gives
/// them `grants`, recorded as granted `by`.
///
/// # Errors
/// [`AddUserError`] when the password breaks the policy (at least 12 characters, not too
/// easy to guess per `strength`), a jurisdiction does not exist, hashing fails or storage
/// fails.
#[tracing::instrument(skip(users, directory, hasher, strength, new), fields(email = %new.email))]
pub fn add_user(
    users: &dyn UserRepository,
    directory: &dyn JurisdictionDirectory,
    hasher: &dyn PasswordHasher,
    strength: &dyn PasswordStrength,
    new: &NewUser<'_>,
    by: &str,
) -> Result<User, AddUserError> {
    let NewUser {
        email,
        password,
        grants,
    } = *new;
    let password = Password::new(password)?;
    if let Some(why) = strength.weakness(password.expose(), &[email.as_str()]) {
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
    let hash = hasher.hash(&password).map_err(AddUserError::Hash)?;
    let existing = users.by_email(email)?;
    let user = User {
        id: existing.as_ref().map(|u| u.id).unwrap_or_else(Uuid::new_v4),
        email: email.clone(),
        password_hash: hash,
        is_admin: existing.as_ref().is_some_and(|u| u.is_admin)
            || to_grant.iter().any(|(r, _)| *r == Role::Admin),
        disabled: false,
    };
    users.upsert(&user)?;
    for (role, path) in to_grant {
        users.add_grant(
            &Grant {
                user_id: user.id,
                role,
                jurisdiction: path,
            },
            by,
        )?;
    }
    // A password reset or a new grant ends the sessions the user had.
    users.end_sessions(user.id)?;
    tracing::info!(user_id = %user.id, "user saved");
    Ok(user)
}

/// Checks `email` and `password`; the user when they match an enabled account.
///
/// The same hashing work is done for unknown e-mails as for known ones.
///
/// # Errors
/// [`StoreError`] when the database fails.
#[tracing::instrument(skip(users, hasher, password))]
pub fn authenticate(
    users: &dyn UserRepository,
    hasher: &dyn PasswordHasher,
    email: &str,
    password: &str,
) -> Result<Option<User>, StoreError> {
    let user = match Email::parse(email) {
        Ok(e) => users.by_email(&e)?,
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

/// Why a user could not be disabled or enabled.
#[derive(Debug, thiserror::Error)]
pub enum SetDisabledError {
    /// No such user.
    #[error("there is no user {0}")]
    UnknownUser(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Disables (or re-enables) the user `email`, as `by`. Disabling ends the user's sessions on
/// the server at once; both are recorded in the audit log.
///
/// # Errors
/// [`SetDisabledError`] when the user does not exist or storage fails.
#[tracing::instrument(skip(users, audit))]
pub fn set_disabled(
    users: &dyn UserRepository,
    audit: &dyn AuditLog,
    email: &Email,
    disabled: bool,
    by: &str,
) -> Result<u64, SetDisabledError> {
    let Some(user) = users.by_email(email)? else {
        return Err(SetDisabledError::UnknownUser(email.to_string()));
    };
    users.set_disabled(user.id, disabled)?;
    let ended = if disabled {
        users.end_sessions(user.id)?
    } else {
        0
    };
    audit.record(
        &AuditEvent::new(
            by,
            if disabled {
                "user.disabled"
            } else {
                "user.enabled"
            },
        )
        .with("user", email)
        .with("sessions_ended", ended),
    )?;
    Ok(ended)
}
