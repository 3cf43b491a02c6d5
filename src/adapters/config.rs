//! Configuration from the environment, with defaults that work on a developer's machine.

/// Default database URL.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/tasi";
/// Default listening address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Settings read from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`.
    pub database_url: String,
    /// `TASI_APP_DATABASE_URL`: what the web application connects as, a role row-level
    /// security applies to (default: `DATABASE_URL` with the user `tasi_app`). `DATABASE_URL`
    /// itself is the schemas' owner: migrations, imports, the read-model projector.
    pub app_database_url: String,
    /// `TASI_BIND`: address and port to listen on.
    pub bind: String,
    /// `TASI_SECURE_COOKIES` (`true`/`false`): the session cookie is `__Host-tasi`, `Secure`.
    /// On by default (the demo turns it off, as it serves plain http on this machine).
    pub secure_cookies: bool,
    /// `TASI_PUBLIC_URL`: the address users reach tasi at. When it is https, responses
    /// carry HSTS (`Strict-Transport-Security`).
    pub public_url: Option<String>,
    /// `TASI_SESSION_KEY`: the key that signs session cookies, 64 bytes written as 128 hex
    /// characters (`openssl rand -hex 64`). Every process serving one database uses the
    /// same key, so sessions survive a restart and any process serves them. `serve`
    /// refuses to start without it; `demo` keeps one in a file.
    pub session_key: Option<String>,
}

/// Bytes of a session key.
pub const SESSION_KEY_BYTES: usize = 64;

/// Why a session key is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionKeyError {
    /// No key was given.
    #[error(
        "TASI_SESSION_KEY is not set: give the key that signs session cookies, 64 random bytes as 128 hex characters (e.g. `openssl rand -hex 64`), the same for every process serving this database"
    )]
    Missing,
    /// The key is not 128 hex characters.
    #[error("TASI_SESSION_KEY must be 128 hex characters (64 bytes); it has {0} characters")]
    Malformed(usize),
}

/// The 64 bytes of a session key written as 128 hex characters (upper or lower case;
/// surrounding white space ignored).
///
/// # Errors
/// [`SessionKeyError::Malformed`] unless the text is exactly 128 hex digits.
pub fn session_key_bytes(text: &str) -> Result<Vec<u8>, SessionKeyError> {
    let t = text.trim();
    if t.len() != 2 * SESSION_KEY_BYTES || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SessionKeyError::Malformed(t.chars().count()));
    }
    (0..SESSION_KEY_BYTES)
        .map(|i| {
            t.get(2 * i..2 * i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or(SessionKeyError::Malformed(t.len()))
        })
        .collect()
}

impl Config {
    /// Reads the environment.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        Config {
            app_database_url: var("TASI_APP_DATABASE_URL").unwrap_or_else(|| {
                crate::adapters::persistence::shared::app_url_from(&database_url)
            }),
            database_url,
            bind: var("TASI_BIND").unwrap_or_else(|| DEFAULT_BIND.into()),
            secure_cookies: var("TASI_SECURE_COOKIES").is_none_or(|v| v == "true" || v == "1"),
            public_url: var("TASI_PUBLIC_URL"),
            session_key: var("TASI_SESSION_KEY"),
        }
    }

    /// True when the public URL is https.
    pub fn https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_key_is_128_hex_characters() {
        let hex = "0f".repeat(64);
        assert_eq!(session_key_bytes(&hex).map(|b| b.len()), Ok(64));
        assert_eq!(
            session_key_bytes(&format!(" {} \n", hex.to_uppercase())).map(|b| b[0]),
            Ok(15)
        );
        assert_eq!(
            session_key_bytes(&hex[..126]),
            Err(SessionKeyError::Malformed(126))
        );
        assert!(session_key_bytes(&"zz".repeat(64)).is_err());
        assert!(session_key_bytes("").is_err());
    }
}
