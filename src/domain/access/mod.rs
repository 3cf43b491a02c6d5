//! Access context: users, their credentials, and their roles and grants on the
//! jurisdiction tree.

pub mod events;
mod grants;

pub use events::{AccessChange, GrantRevoked, UserAccessChanged, UserGranted};
pub use grants::{Grant, Grants, Permission, Role, UnknownRole};

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user's e-mail address, the login name: trimmed, lower-cased, one `@` with text on both
/// sides and a dot in the domain, at most 254 characters (RFC 5321 path limit).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

/// Why a text is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an e-mail address")]
pub struct EmailError(pub String);

impl Email {
    /// Parses an address.
    ///
    /// # Errors
    /// [`EmailError`] when the text is not of the form `name@domain.tld` or is too long.
    pub fn parse(text: &str) -> Result<Self, EmailError> {
        let t = text.trim().to_lowercase();
        let ok = t.len() <= 254
            && !t.chars().any(char::is_whitespace)
            && match t.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if ok {
            Ok(Email(t))
        } else {
            Err(EmailError(text.to_string()))
        }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed, checked against the minimum length before it is hashed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer characters than [`Password::MIN_CHARS`].
    #[error("a password needs at least {min} characters; this one has {got}")]
    TooShort {
        /// The minimum.
        min: usize,
        /// Characters given.
        got: usize,
    },
    /// More characters than [`Password::MAX_CHARS`].
    #[error("a password may have at most {max} characters")]
    TooLong {
        /// The maximum.
        max: usize,
    },
}

impl Password {
    /// Minimum length in characters (OWASP ASVS 5.0 V6.2.1: at least 12).
    pub const MIN_CHARS: usize = 12;
    /// Maximum length in characters (ASVS V6.2.9 allows at least 64; 128 bounds hashing cost).
    pub const MAX_CHARS: usize = 128;

    /// A new password, as a user chooses it.
    ///
    /// # Errors
    /// [`PasswordError`] when shorter than 12 or longer than 128 characters.
    pub fn new(text: &str) -> Result<Self, PasswordError> {
        let n = text.chars().count();
        if n < Self::MIN_CHARS {
            Err(PasswordError::TooShort {
                min: Self::MIN_CHARS,
                got: n,
            })
        } else if n > Self::MAX_CHARS {
            Err(PasswordError::TooLong {
                max: Self::MAX_CHARS,
            })
        } else {
            Ok(Password(text.to_string()))
        }
    }

    /// The password's text, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// tasi's id.
    pub id: Uuid,
    /// Login name.
    pub email: Email,
    /// The password's hash in PHC string format (argon2id).
    pub password_hash: String,
    /// Shown in lists; the powers come from grants (an admin holds an `admin` grant).
    pub is_admin: bool,
    /// A disabled user cannot log in.
    pub disabled: bool,
    /// Sessions that began before this instant (UTC) are void: moved by logging out
    /// everywhere, a password change or reset, disabling and every grant change (OWASP ASVS
    /// 5.0 V7.4.3: sessions end when the account's authentication or authorisation
    /// changes). `None` until it first moves.
    pub sessions_valid_after: Option<DateTime<Utc>>,
}

impl User {
    /// True when a session whose login was at `login_at` may still act for this user: the
    /// user is enabled and the login is not before [`User::sessions_valid_after`].
    pub fn admits_session_from(&self, login_at: DateTime<Utc>) -> bool {
        !self.disabled
            && self
                .sessions_valid_after
                .is_none_or(|after| login_at >= after)
    }
}

/// Judges how easy a password is to guess, implemented outside the domain (a dictionary of
/// common and breached passwords, OWASP ASVS 5.0 V6.2.4).
pub trait PasswordStrength: Send + Sync {
    /// Why `password` is too easy to guess (it is common, or built from `user_inputs` such
    /// as the e-mail), or `None` when it is strong enough.
    fn weakness(&self, password: &str, user_inputs: &[&str]) -> Option<String>;
}

/// Hashing and checking passwords, implemented outside the domain (argon2id).
pub trait PasswordHasher: Send + Sync {
    /// The PHC string of a hash of `password` with a fresh salt.
    ///
    /// # Errors
    /// A text describing the hasher's failure.
    fn hash(&self, password: &Password) -> Result<String, String>;

    /// True when `password` matches the PHC string `hash`; false for a malformed hash.
    fn verify(&self, password: &str, hash: &str) -> bool;

    /// Does the work of [`PasswordHasher::verify`] against a hash of a password nobody has,
    /// so that a login for an unknown user costs as much as one for a known user.
    fn verify_dummy(&self, password: &str);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Officer@Fisheries.gov.TL ").map(|e| e.to_string()),
            Ok("officer@fisheries.gov.tl".into())
        );
        for bad in [
            "", "officer", "@x.tl", "a@b", "a@@b.tl", "a b@x.tl", "a@.tl", "a@x.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_and_are_not_printed() {
        assert!(matches!(
            Password::new("short"),
            Err(PasswordError::TooShort { min: 12, got: 5 })
        ));
        assert!(Password::new("correct horse battery").is_ok());
        assert!(matches!(
            Password::new(&"x".repeat(129)),
            Err(PasswordError::TooLong { .. })
        ));
        let p = Password::new("twelve chars").map(|p| format!("{p:?}"));
        assert_eq!(p, Ok("Password(…)".to_string()));
    }
}
