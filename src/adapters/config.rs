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
        }
    }

    /// True when the public URL is https.
    pub fn https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}
