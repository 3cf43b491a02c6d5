//! The access context's sessions: actix-session's `SessionStore` over PostgreSQL
//! (`access.sessions`). The cookie carries only a 256-bit random key; the state lives on
//! the server, so a session can be ended there. The table keeps the SHA-256 of the key, never
//! the key itself, so a read of it opens no session (OWASP ASVS 5.0 V7.2.4). A session ended
//! on the server is never written back: a request in flight when it ended finds no row and
//! leaves none.
//!
//! Loading a session also loads its user and the user's grants, in the same query: the
//! login guard checks them on every request (a revocation takes effect at once), and one
//! round trip to the database serves both. They travel to the guard under
//! [`PRINCIPAL_KEY`], which is never written back.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::sessions as s;
use crate::adapters::persistence::shared::{Binds, PgPool, kept, take_turn};
use crate::adapters::security::sha256_hex;
use crate::domain::access::{Grants, User};

/// The session key under which the logged-in user's id is kept.
pub const USER_ID_KEY: &str = "user_id";
/// The session key of the login time (Unix microseconds, the application's clock, the
/// precision PostgreSQL keeps): compared with the user's `sessions_valid_after` on every
/// request.
pub const AUTH_AT_KEY: &str = "auth_at_us";
/// The session key of the last request's time (Unix seconds, the application's clock).
pub const SEEN_AT_KEY: &str = "seen_at";

/// The key under which [`SessionStore::load`] hands the session's user and grants to the
/// login guard ([`loaded_principal`]). It is filled from the users and grants tables on every
/// load and removed before every write, so it is never stored and never trusted from an
/// earlier request.
pub const PRINCIPAL_KEY: &str = "__principal";

/// The session's user and grants as [`SessionStore::load`] reads them (JSON built by
/// PostgreSQL: `json_build_object`, grants as `[role, path]` pairs).
#[derive(serde::Deserialize)]
struct Principal {
    id: Uuid,
    email: String,
    password_hash: String,
    is_admin: bool,
    disabled: bool,
    sessions_valid_after: Option<chrono::DateTime<Utc>>,
    grants: Vec<(String, String)>,
}

/// The user and grants that the session's load read, or `None` when the session has no
/// user, the user no longer exists, or the state came from elsewhere (then the caller reads
/// them itself). Grants whose role or path no longer parse are left out, as the accounts
/// reader does.
pub fn loaded_principal(session: &actix_session::Session) -> Option<(User, Grants)> {
    let p = session.get::<Principal>(PRINCIPAL_KEY).ok().flatten()?;
    let user = super::users::to_user((
        p.id,
        p.email,
        p.password_hash,
        p.is_admin,
        p.disabled,
        p.sessions_valid_after,
    ))?;
    let grants = p
        .grants
        .iter()
        .filter_map(|(role, path)| super::users::to_grant(p.id, role, path))
        .collect();
    Some((user, Grants(grants)))
}

/// A session's row with its user and grants ([`SESSION_WITH_PRINCIPAL`]).
#[derive(QueryableByName)]
struct LoadedRow {
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    state: serde_json::Value,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Json>)]
    principal: Option<serde_json::Value>,
}

/// One unexpired session by key hash ($1), with its user and grants as one JSON value
/// (NULL when it has no user or the user is gone).
const SESSION_WITH_PRINCIPAL: &str = "
    SELECT s.state,
           (SELECT json_build_object(
                     'id', u.id, 'email', u.email, 'password_hash', u.password_hash,
                     'is_admin', u.is_admin, 'disabled', u.disabled,
                     'sessions_valid_after', u.sessions_valid_after,
                     'grants', coalesce(
                        (SELECT json_agg(json_build_array(g.role, g.jurisdiction_path)
                                         ORDER BY g.jurisdiction_path, g.role)
                         FROM access.grants g WHERE g.user_id = u.id),
                        '[]'::json))
            FROM access.users u WHERE u.id = s.user_id) AS principal
    FROM access.sessions s
    WHERE s.key_hash = $1 AND s.expires_at > now()";

/// The state to write: everything but [`PRINCIPAL_KEY`].
fn storable(mut state: HashMap<String, String>) -> HashMap<String, String> {
    state.remove(PRINCIPAL_KEY);
    state
}

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
        let _turn = take_turn().await;
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
        let row: Option<LoadedRow> = self
            .blocking(move |c| {
                Ok(kept(SESSION_WITH_PRINCIPAL)
                    .text(key)
                    .get_result(c)
                    .optional()?)
            })
            .await
            .map_err(LoadError::Other)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut state: HashMap<String, String> =
            serde_json::from_value(row.state).map_err(|e| LoadError::Deserialization(e.into()))?;
        state.remove(PRINCIPAL_KEY);
        if let Some(p) = row.principal {
            state.insert(PRINCIPAL_KEY.to_string(), p.to_string());
        }
        Ok(Some(state))
    }

    async fn save(
        &self,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, SaveError> {
        let key = crate::adapters::security::random_hex(32)
            .map_err(|e| SaveError::Other(anyhow::anyhow!("{e}")))?;
        let state = storable(state);
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
        let state = storable(state);
        let json =
            serde_json::to_value(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let user = user_of(&state);
        let expires = expiry(ttl);
        let k = sha256_hex(key.as_ref());
        let updated = self
            .blocking(move |c| {
                // A state equal to the stored one is not written again: when many requests
                // of one session move its "last seen" in the same second, the first writes
                // and the others find nothing to change, instead of each waiting for the
                // row and a commit of its own.
                Ok(diesel::update(
                    s::table
                        .filter(s::key_hash.eq(k))
                        .filter(s::expires_at.gt(Utc::now()))
                        .filter(s::state.ne(json.clone())),
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
            // reset): nothing is written, and the cookie keeps a key that opens nothing. Or
            // another request of the session wrote the same state first.
            tracing::debug!("session not written: ended during its request, or unchanged");
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
