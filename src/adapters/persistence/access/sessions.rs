//! The access context's sessions: actix-session's `SessionStore` over PostgreSQL
//! (`access.sessions`). The cookie carries only a 256-bit random key; the state lives on
//! the server, so a session can be ended there. The table keeps the SHA-256 of the key, never
//! the key itself, so a read of it opens no session (OWASP ASVS 5.0 V7.2.4). A session ended
//! on the server is never written back: a request in flight when it ended finds no row and
//! leaves none.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::sessions as s;
use crate::adapters::persistence::shared::PgPool;
use crate::adapters::security::sha256_hex;

/// The session key under which the logged-in user's id is kept.
pub const USER_ID_KEY: &str = "user_id";
/// The session key of the login time (Unix microseconds, the application's clock, the
/// precision PostgreSQL keeps): compared with the user's `sessions_valid_after` on every
/// request.
pub const AUTH_AT_KEY: &str = "auth_at_us";
/// The session key of the last request's time (Unix seconds, the application's clock).
pub const SEEN_AT_KEY: &str = "seen_at";

/// Sessions in PostgreSQL.
#[derive(Clone)]
pub struct PgSessionStore {
    pool: PgPool,
}

impl PgSessionStore {
    /// A store on `pool`.
    pub fn new(pool: PgPool) -> Self {
        PgSessionStore { pool }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut PgConnection) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.pool.clone();
        actix_web::rt::task::spawn_blocking(move || {
            let mut c = pool.get()?;
            f(&mut c)
        })
        .await?
    }
}

fn expiry(ttl: &Duration) -> chrono::DateTime<Utc> {
    Utc::now() + chrono::Duration::seconds(ttl.whole_seconds())
}

/// The user id kept in a session's state (actix-session stores values as JSON text).
fn user_of(state: &HashMap<String, String>) -> Option<Uuid> {
    state
        .get(USER_ID_KEY)
        .and_then(|v| serde_json::from_str::<Uuid>(v).ok())
}

impl SessionStore for PgSessionStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        let key = sha256_hex(key.as_ref());
        let state: Option<serde_json::Value> = self
            .blocking(move |c| {
                Ok(s::table
                    .filter(s::key_hash.eq(key))
                    .filter(s::expires_at.gt(Utc::now()))
                    .select(s::state)
                    .first(c)
                    .optional()?)
            })
            .await
            .map_err(LoadError::Other)?;
        match state {
            None => Ok(None),
            Some(v) => serde_json::from_value(v)
                .map(Some)
                .map_err(|e| LoadError::Deserialization(e.into())),
        }
    }

    async fn save(
        &self,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, SaveError> {
        let key = crate::adapters::security::random_hex(32)
            .map_err(|e| SaveError::Other(anyhow::anyhow!("{e}")))?;
        let json = serde_json::to_value(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        let user = user_of(&state);
        let expires = expiry(ttl);
        let k = sha256_hex(&key);
        self.blocking(move |c| {
            diesel::insert_into(s::table)
                .values((
                    s::key_hash.eq(k),
                    s::state.eq(json),
                    s::user_id.eq(user),
                    s::expires_at.eq(expires),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .map_err(SaveError::Other)?;
        SessionKey::try_from(key).map_err(|e| SaveError::Other(e.into()))
    }

    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let json =
            serde_json::to_value(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let user = user_of(&state);
        let expires = expiry(ttl);
        let k = sha256_hex(key.as_ref());
        let updated = self
            .blocking(move |c| {
                Ok(diesel::update(
                    s::table
                        .filter(s::key_hash.eq(k))
                        .filter(s::expires_at.gt(Utc::now())),
                )
                .set((
                    s::state.eq(json),
                    s::user_id.eq(user),
                    s::expires_at.eq(expires),
                ))
                .execute(c)?)
            })
            .await
            .map_err(UpdateError::Other)?;
        if updated == 0 {
            // Ended on the server while this request ran (logout, revocation, a password
            // reset): nothing is written, and the cookie keeps a key that opens nothing.
            tracing::info!("a session ended during its request stays ended");
        }
        Ok(key)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> Result<(), anyhow::Error> {
        let k = sha256_hex(key.as_ref());
        let expires = expiry(ttl);
        self.blocking(move |c| {
            diesel::update(s::table.filter(s::key_hash.eq(k)))
                .set(s::expires_at.eq(expires))
                .execute(c)?;
            Ok(())
        })
        .await
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        let k = sha256_hex(key.as_ref());
        self.blocking(move |c| {
            diesel::delete(s::table.filter(s::key_hash.eq(k))).execute(c)?;
            // Housekeeping: expired sessions go too.
            diesel::delete(s::table.filter(s::expires_at.lt(Utc::now()))).execute(c)?;
            Ok(())
        })
        .await
    }
}
