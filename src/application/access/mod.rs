//! Use cases of the access context: adding users and logging in.

use uuid::Uuid;

use crate::application::StoreError;
use crate::domain::access::{Email, Password, PasswordError, PasswordHasher, User};

/// Storage of users.
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

    /// Inserts `user`, or replaces the password and role of the user with the same e-mail.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn upsert(&self, user: &User) -> Result<(), StoreError>;
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
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Adds the user `email` with `password` (or resets the password of an existing one).
///
/// # Errors
/// [`AddUserError`] when the password breaks the policy, hashing fails or storage fails.
#[tracing::instrument(skip(users, hasher, password), fields(email = %email))]
pub fn add_user(
    users: &dyn UserRepository,
    hasher: &dyn PasswordHasher,
    email: &Email,
    password: &str,
    is_admin: bool,
) -> Result<User, AddUserError> {
    let password = Password::new(password)?;
    let hash = hasher.hash(&password).map_err(AddUserError::Hash)?;
    let id = users
        .by_email(email)?
        .map(|u| u.id)
        .unwrap_or_else(Uuid::new_v4);
    let user = User {
        id,
        email: email.clone(),
        password_hash: hash,
        is_admin,
        disabled: false,
    };
    users.upsert(&user)?;
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
