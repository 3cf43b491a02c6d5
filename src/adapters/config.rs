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
    /// `TASI_BIND`: address and port to listen on.
    pub bind: String,
    /// `TASI_SECURE_COOKIES` (`true`/`false`): mark the session cookie `Secure`. Default
    /// false; set it to true when tasi is served over https.
    pub secure_cookies: bool,
}

impl Config {
    /// Reads the environment.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            bind: var("TASI_BIND").unwrap_or_else(|| DEFAULT_BIND.into()),
            secure_cookies: var("TASI_SECURE_COOKIES").is_some_and(|v| v == "true" || v == "1"),
        }
    }
}
