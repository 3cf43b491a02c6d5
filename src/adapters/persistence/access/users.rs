//! Users, grants and sessions in the `access` schema; the jurisdiction directory over
//! geography's published view; the audit log; the admin pages' reads and changes, and
//! one-time set-password links.

use std::collections::HashMap;

use chrono::{DateTime, NaiveTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::adapters::persistence::access::schema::{
    audit_log as a, grants as g, password_tokens as t, sessions as sess, users as u,
};
use crate::adapters::persistence::shared::{PgPool, store_err};
use crate::application::access::admin::{
    AdminQueries, AuditEntry, AuditFilter, NewLink, SessionInfo, StoredLink, UserAdministration,
    UserSummary,
};
use crate::application::access::{AuditEvent, AuditLog, JurisdictionDirectory, UserRepository};
use crate::application::shared::StoreError;
use crate::domain::access::{Email, Grant, Grants, Role, User};
use crate::domain::shared::{AccessScope, JurisdictionPath};

/// The user repository over a pool.
pub struct DieselUserRepository {
    pool: PgPool,
}

impl DieselUserRepository {
    /// A repository on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselUserRepository { pool }
    }
}

type Row = (Uuid, String, String, bool, bool);

fn to_user(r: Row) -> Option<User> {
    Some(User {
        id: r.0,
        email: Email::parse(&r.1).ok()?,
        password_hash: r.2,
        is_admin: r.3,
        disabled: r.4,
    })
}

impl UserRepository for DieselUserRepository {
    fn by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let row: Option<Row> = u::table
            .filter(u::email.eq(email.as_str()))
            .select((u::id, u::email, u::password_hash, u::is_admin, u::disabled))
            .first(&mut c)
            .optional()
            .map_err(store_err)?;
        Ok(row.and_then(to_user))
    }

    fn by_id(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let row: Option<Row> = u::table
            .find(id)
            .select((u::id, u::email, u::password_hash, u::is_admin, u::disabled))
            .first(&mut c)
            .optional()
            .map_err(store_err)?;
        Ok(row.and_then(to_user))
    }

    fn upsert(&self, user: &User) -> Result<(), StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        diesel::insert_into(u::table)
            .values((
                u::id.eq(user.id),
                u::email.eq(user.email.as_str()),
                u::password_hash.eq(&user.password_hash),
                u::is_admin.eq(user.is_admin),
                u::disabled.eq(user.disabled),
            ))
            .on_conflict(u::email)
            .do_update()
            .set((
                u::password_hash.eq(&user.password_hash),
                u::is_admin.eq(user.is_admin),
                u::disabled.eq(user.disabled),
            ))
            .execute(&mut c)
            .map_err(store_err)?;
        Ok(())
    }

    fn grants_of(&self, user_id: Uuid) -> Result<Grants, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let rows: Vec<(String, String)> = g::table
            .filter(g::user_id.eq(user_id))
            .select((g::role, g::jurisdiction_path))
            .order((g::jurisdiction_path, g::role))
            .load(&mut c)
            .map_err(store_err)?;
        Ok(Grants(
            rows.into_iter()
                .filter_map(|(role, path)| {
                    Some(Grant {
                        user_id,
                        role: Role::parse(&role).ok()?,
                        jurisdiction: JurisdictionPath::parse(&path).ok()?,
                    })
                })
                .collect(),
        ))
    }

    fn add_grant(&self, grant: &Grant, by: &str) -> Result<(), StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        diesel::insert_into(g::table)
            .values((
                g::user_id.eq(grant.user_id),
                g::role.eq(grant.role.key()),
                g::jurisdiction_path.eq(grant.jurisdiction.as_str()),
                g::granted_by.eq(by),
            ))
            .on_conflict_do_nothing()
            .execute(&mut c)
            .map_err(store_err)?;
        Ok(())
    }

    fn set_disabled(&self, user_id: Uuid, disabled: bool) -> Result<(), StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        diesel::update(u::table.find(user_id))
            .set(u::disabled.eq(disabled))
            .execute(&mut c)
            .map_err(store_err)?;
        Ok(())
    }

    fn end_sessions(&self, user_id: Uuid) -> Result<u64, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let n = diesel::delete(sess::table.filter(sess::user_id.eq(user_id)))
            .execute(&mut c)
            .map_err(store_err)?;
        Ok(n as u64)
    }
}

/// The jurisdiction tree, read from `geography.v1_jurisdictions` (geography's published view).
pub struct DieselJurisdictionDirectory {
    pool: PgPool,
}

impl DieselJurisdictionDirectory {
    /// A directory on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselJurisdictionDirectory { pool }
    }
}

#[derive(QueryableByName)]
struct PathRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    path: String,
}

impl JurisdictionDirectory for DieselJurisdictionDirectory {
    fn exists(&self, path: &JurisdictionPath) -> Result<bool, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let rows: Vec<PathRow> =
            diesel::sql_query("SELECT path FROM geography.v1_jurisdictions WHERE path = $1")
                .bind::<diesel::sql_types::Text, _>(path.as_str())
                .load(&mut c)
                .map_err(store_err)?;
        Ok(!rows.is_empty())
    }

    fn roots(&self) -> Result<Vec<JurisdictionPath>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let rows: Vec<PathRow> = diesel::sql_query(
            "SELECT path FROM geography.v1_jurisdictions WHERE parent_id IS NULL ORDER BY path",
        )
        .load(&mut c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| JurisdictionPath::parse(&r.path).ok())
            .collect())
    }

    fn paths(&self) -> Result<Vec<JurisdictionPath>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let rows: Vec<PathRow> =
            diesel::sql_query("SELECT path FROM geography.v1_jurisdictions ORDER BY path")
                .load(&mut c)
                .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| JurisdictionPath::parse(&r.path).ok())
            .collect())
    }
}

/// The audit log in `access.audit_log` (append-only: the table refuses UPDATE and DELETE).
pub struct DieselAuditLog {
    pool: PgPool,
}

impl DieselAuditLog {
    /// An audit log on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselAuditLog { pool }
    }
}

impl AuditLog for DieselAuditLog {
    fn record(&self, e: &AuditEvent) -> Result<(), StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let details: serde_json::Map<String, serde_json::Value> = e
            .details
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        diesel::insert_into(a::table)
            .values((
                a::actor.eq(&e.actor),
                a::action.eq(&e.action),
                a::jurisdiction.eq(&e.jurisdiction),
                a::client_addr.eq(&e.client_addr),
                a::details.eq(serde_json::Value::Object(details)),
            ))
            .execute(&mut c)
            .map_err(store_err)?;
        Ok(())
    }
}

/// The admin pages' reads ([`AdminQueries`]) and changes ([`UserAdministration`]) over the
/// `access` schema; every change runs in one transaction.
pub struct DieselAdministration {
    pool: PgPool,
}

impl DieselAdministration {
    /// Administration on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselAdministration { pool }
    }
}

type DieselResult<T> = Result<T, diesel::result::Error>;

/// Keeps `is_admin` equal to "holds an admin grant" (the flag only labels lists).
fn sync_is_admin(c: &mut PgConnection, user_id: Uuid) -> DieselResult<()> {
    diesel::sql_query(
        "UPDATE access.users SET is_admin = EXISTS \
         (SELECT 1 FROM access.grants WHERE user_id = $1 AND role = 'admin') WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(user_id)
    .execute(c)?;
    Ok(())
}

fn end_sessions_of(c: &mut PgConnection, user_id: Uuid) -> DieselResult<u64> {
    let n = diesel::delete(sess::table.filter(sess::user_id.eq(user_id))).execute(c)?;
    Ok(n as u64)
}

fn insert_link(c: &mut PgConnection, link: &NewLink) -> DieselResult<()> {
    diesel::insert_into(t::table)
        .values((
            t::lookup.eq(&link.lookup),
            t::user_id.eq(link.user_id),
            t::secret_hash.eq(&link.secret_hash),
            t::created_at.eq(link.created_at),
            t::expires_at.eq(link.expires_at),
            t::created_by.eq(&link.created_by),
        ))
        .execute(c)?;
    Ok(())
}

fn drop_unused_links(c: &mut PgConnection, user_id: Uuid) -> DieselResult<()> {
    diesel::delete(
        t::table
            .filter(t::user_id.eq(user_id))
            .filter(t::used_at.is_null()),
    )
    .execute(c)?;
    Ok(())
}

fn to_grant(user_id: Uuid, role: &str, path: &str) -> Option<Grant> {
    Some(Grant {
        user_id,
        role: Role::parse(role).ok()?,
        jurisdiction: JurisdictionPath::parse(path).ok()?,
    })
}

type SessionRow = (String, Option<Uuid>, DateTime<Utc>, DateTime<Utc>);

type LinkRow = (Uuid, String, DateTime<Utc>, Option<DateTime<Utc>>);

fn to_session(r: SessionRow) -> Option<SessionInfo> {
    Some(SessionInfo {
        key: r.0,
        user_id: r.1?,
        created_at: r.2,
        expires_at: r.3,
    })
}

#[derive(QueryableByName)]
struct AuditRow {
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    actor: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    jurisdiction: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    client_addr: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    details: serde_json::Value,
}

/// The details of an entry as name/value pairs: strings as they are, other JSON as JSON.
fn detail_pairs(details: serde_json::Value) -> Vec<(String, String)> {
    match details {
        serde_json::Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect(),
        serde_json::Value::Null => Vec::new(),
        other => vec![("details".to_string(), other.to_string())],
    }
}

/// Entries whose jurisdiction is none or inside the scope ($1), then the filters: actor
/// contains $2 (case-insensitive), action is $3, at in [$4, $5), jurisdiction is $6 or below.
const AUDIT_QUERY: &str = "SELECT at, actor, action, jurisdiction, client_addr, details \
     FROM access.audit_log \
     WHERE (jurisdiction IS NULL OR EXISTS (SELECT 1 FROM unnest($1::text[]) AS s(p) \
            WHERE jurisdiction = s.p OR starts_with(jurisdiction, s.p || '/'))) \
       AND ($2::text IS NULL OR strpos(lower(actor), lower($2)) > 0) \
       AND ($3::text IS NULL OR action = $3) \
       AND ($4::timestamptz IS NULL OR at >= $4) \
       AND ($5::timestamptz IS NULL OR at < $5) \
       AND ($6::text IS NULL OR jurisdiction = $6 OR starts_with(jurisdiction, $6 || '/')) \
     ORDER BY at DESC, id DESC LIMIT $7 OFFSET $8";

impl AdminQueries for DieselAdministration {
    fn users(&self) -> Result<Vec<UserSummary>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let users: Vec<(Uuid, String, bool)> = u::table
            .select((u::id, u::email, u::disabled))
            .order(u::email)
            .load(&mut c)
            .map_err(store_err)?;
        let grant_rows: Vec<(Uuid, String, String)> = g::table
            .select((g::user_id, g::role, g::jurisdiction_path))
            .order((g::jurisdiction_path, g::role))
            .load(&mut c)
            .map_err(store_err)?;
        let counts: Vec<(Option<Uuid>, i64)> = sess::table
            .filter(sess::user_id.is_not_null())
            .filter(sess::expires_at.gt(Utc::now()))
            .group_by(sess::user_id)
            .select((sess::user_id, diesel::dsl::count_star()))
            .load(&mut c)
            .map_err(store_err)?;
        let mut grants: HashMap<Uuid, Vec<Grant>> = HashMap::new();
        for (id, role, path) in grant_rows {
            if let Some(grant) = to_grant(id, &role, &path) {
                grants.entry(id).or_default().push(grant);
            }
        }
        let counts: HashMap<Uuid, i64> = counts
            .into_iter()
            .filter_map(|(id, n)| Some((id?, n)))
            .collect();
        Ok(users
            .into_iter()
            .filter_map(|(id, email, disabled)| {
                Some(UserSummary {
                    id,
                    email: Email::parse(&email).ok()?,
                    disabled,
                    grants: Grants(grants.remove(&id).unwrap_or_default()),
                    active_sessions: counts.get(&id).copied().unwrap_or(0).max(0) as u64,
                })
            })
            .collect())
    }

    fn sessions_of(&self, user_id: Uuid) -> Result<Vec<SessionInfo>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let rows: Vec<SessionRow> = sess::table
            .filter(sess::user_id.eq(user_id))
            .filter(sess::expires_at.gt(Utc::now()))
            .select((
                sess::session_key,
                sess::user_id,
                sess::created_at,
                sess::expires_at,
            ))
            .order(sess::created_at.desc())
            .load(&mut c)
            .map_err(store_err)?;
        Ok(rows.into_iter().filter_map(to_session).collect())
    }

    fn session(&self, key: &str) -> Result<Option<SessionInfo>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let row: Option<SessionRow> = sess::table
            .filter(sess::session_key.eq(key))
            .filter(sess::expires_at.gt(Utc::now()))
            .select((
                sess::session_key,
                sess::user_id,
                sess::created_at,
                sess::expires_at,
            ))
            .first(&mut c)
            .optional()
            .map_err(store_err)?;
        Ok(row.and_then(to_session))
    }

    fn audit_entries(
        &self,
        scope: &AccessScope,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz};
        let mut c = self.pool.get().map_err(store_err)?;
        let paths: Vec<String> = scope.paths().iter().map(|p| p.to_string()).collect();
        let day_start = |d: chrono::NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
        let from = filter.from.map(day_start);
        let to = filter.to.and_then(|d| d.succ_opt()).map(day_start);
        let rows: Vec<AuditRow> = diesel::sql_query(AUDIT_QUERY)
            .bind::<Array<Text>, _>(paths)
            .bind::<Nullable<Text>, _>(filter.actor.as_deref())
            .bind::<Nullable<Text>, _>(filter.action.as_deref())
            .bind::<Nullable<Timestamptz>, _>(from)
            .bind::<Nullable<Timestamptz>, _>(to)
            .bind::<Nullable<Text>, _>(filter.jurisdiction.as_deref())
            .bind::<BigInt, _>(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind::<BigInt, _>(i64::try_from(offset).unwrap_or(i64::MAX))
            .load(&mut c)
            .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                at: r.at,
                actor: r.actor,
                action: r.action,
                jurisdiction: r.jurisdiction,
                client_addr: r.client_addr,
                details: detail_pairs(r.details),
            })
            .collect())
    }
}

impl UserAdministration for DieselAdministration {
    fn create_user(
        &self,
        user: &User,
        grant: &Grant,
        by: &str,
        link: &NewLink,
    ) -> Result<bool, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        c.transaction::<_, diesel::result::Error, _>(|c| {
            let inserted = diesel::insert_into(u::table)
                .values((
                    u::id.eq(user.id),
                    u::email.eq(user.email.as_str()),
                    u::password_hash.eq(&user.password_hash),
                    u::is_admin.eq(user.is_admin),
                    u::disabled.eq(user.disabled),
                ))
                .on_conflict(u::email)
                .do_nothing()
                .execute(c)?;
            if inserted == 0 {
                return Ok(false);
            }
            diesel::insert_into(g::table)
                .values((
                    g::user_id.eq(grant.user_id),
                    g::role.eq(grant.role.key()),
                    g::jurisdiction_path.eq(grant.jurisdiction.as_str()),
                    g::granted_by.eq(by),
                ))
                .execute(c)?;
            sync_is_admin(c, user.id)?;
            insert_link(c, link)?;
            Ok(true)
        })
        .map_err(store_err)
    }

    fn add_grant(&self, grant: &Grant, by: &str) -> Result<u64, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        c.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::insert_into(g::table)
                .values((
                    g::user_id.eq(grant.user_id),
                    g::role.eq(grant.role.key()),
                    g::jurisdiction_path.eq(grant.jurisdiction.as_str()),
                    g::granted_by.eq(by),
                ))
                .on_conflict_do_nothing()
                .execute(c)?;
            sync_is_admin(c, grant.user_id)?;
            end_sessions_of(c, grant.user_id)
        })
        .map_err(store_err)
    }

    fn remove_grant(&self, grant: &Grant) -> Result<Option<u64>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        c.transaction::<_, diesel::result::Error, _>(|c| {
            let removed = diesel::delete(
                g::table
                    .filter(g::user_id.eq(grant.user_id))
                    .filter(g::role.eq(grant.role.key()))
                    .filter(g::jurisdiction_path.eq(grant.jurisdiction.as_str())),
            )
            .execute(c)?;
            if removed == 0 {
                return Ok(None);
            }
            sync_is_admin(c, grant.user_id)?;
            end_sessions_of(c, grant.user_id).map(Some)
        })
        .map_err(store_err)
    }

    fn end_session(&self, key: &str) -> Result<bool, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let n = diesel::delete(sess::table.filter(sess::session_key.eq(key)))
            .execute(&mut c)
            .map_err(store_err)?;
        Ok(n > 0)
    }

    fn reset_password(
        &self,
        user_id: Uuid,
        unusable_hash: &str,
        link: &NewLink,
    ) -> Result<u64, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        c.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::update(u::table.find(user_id))
                .set(u::password_hash.eq(unusable_hash))
                .execute(c)?;
            drop_unused_links(c, user_id)?;
            insert_link(c, link)?;
            end_sessions_of(c, user_id)
        })
        .map_err(store_err)
    }

    fn link(&self, lookup: &str) -> Result<Option<StoredLink>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let row: Option<LinkRow> = t::table
            .find(lookup)
            .select((t::user_id, t::secret_hash, t::expires_at, t::used_at))
            .first(&mut c)
            .optional()
            .map_err(store_err)?;
        Ok(
            row.map(|(user_id, secret_hash, expires_at, used_at)| StoredLink {
                user_id,
                secret_hash,
                expires_at,
                used_at,
            }),
        )
    }

    fn redeem_link(
        &self,
        lookup: &str,
        now: DateTime<Utc>,
        password_hash: &str,
    ) -> Result<Option<u64>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        c.transaction::<_, diesel::result::Error, _>(|c| {
            // The conditional update is the single-use check: of two concurrent uses, one
            // finds the row already used.
            let user_id: Option<Uuid> = diesel::update(
                t::table
                    .filter(t::lookup.eq(lookup))
                    .filter(t::used_at.is_null())
                    .filter(t::expires_at.gt(now)),
            )
            .set(t::used_at.eq(now))
            .returning(t::user_id)
            .get_result(c)
            .optional()?;
            let Some(user_id) = user_id else {
                return Ok(None);
            };
            diesel::update(u::table.find(user_id))
                .set(u::password_hash.eq(password_hash))
                .execute(c)?;
            drop_unused_links(c, user_id)?;
            end_sessions_of(c, user_id).map(Some)
        })
        .map_err(store_err)
    }
}
