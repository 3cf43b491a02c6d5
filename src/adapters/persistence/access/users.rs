//! Users, grants, sessions and set-password links in the `access` schema (the store of the
//! unit of work, and reads over a pool); the jurisdiction directory over geography's
//! published view; the audit log; the admin pages' reads.

use std::collections::HashMap;

use chrono::{DateTime, NaiveTime, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz, Uuid as Uuid_};
use uuid::Uuid;

use crate::adapters::persistence::access::schema::{grants as g, sessions as sess, users as u};
use crate::adapters::persistence::shared::{DieselTx, PgPool, store_err};
use crate::application::access::ports::{
    AccessTx, Accounts, AdminQueries, AuditFilter, AuditRecord, JurisdictionDirectory, NewLink,
    SessionInfo, StoredLink, UserStore, UserSummary,
};
use crate::application::shared::{AuditEntry, Caller, StoreError};
use crate::domain::access::{Email, Grant, Grants, Role, User};
use crate::domain::shared::{AccessScope, JurisdictionPath};

/// A user's columns: id, e-mail, password hash, admin, disabled, sessions valid after.
pub(super) type Row = (Uuid, String, String, bool, bool, Option<DateTime<Utc>>);

/// The columns of a [`User`], in [`Row`]'s order.
const USER_COLUMNS: (
    u::id,
    u::email,
    u::password_hash,
    u::is_admin,
    u::disabled,
    u::sessions_valid_after,
) = (
    u::id,
    u::email,
    u::password_hash,
    u::is_admin,
    u::disabled,
    u::sessions_valid_after,
);

pub(super) fn to_user(r: Row) -> Option<User> {
    Some(User {
        id: r.0,
        email: Email::parse(&r.1).ok()?,
        password_hash: r.2,
        is_admin: r.3,
        disabled: r.4,
        sessions_valid_after: r.5,
    })
}

/// Reads of accounts over a pool (logging in, the login guard).
pub struct DieselAccounts {
    pool: PgPool,
}

impl DieselAccounts {
    /// Reads on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselAccounts { pool }
    }
}

impl Accounts for DieselAccounts {
    fn by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let row: Option<Row> = u::table
            .filter(u::email.eq(email.as_str()))
            .select(USER_COLUMNS)
            .first(&mut c)
            .optional()
            .map_err(store_err)?;
        Ok(row.and_then(to_user))
    }

    fn by_id(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let row: Option<Row> = u::table
            .find(id)
            .select(USER_COLUMNS)
            .first(&mut c)
            .optional()
            .map_err(store_err)?;
        Ok(row.and_then(to_user))
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

    fn with_grants(&self, id: Uuid) -> Result<Option<(User, Grants)>, StoreError> {
        let mut c = self.pool.get().map_err(store_err)?;
        let rows: Vec<UserGrantRow> = diesel::sql_query(
            "SELECT u.id, u.email, u.password_hash, u.is_admin, u.disabled,
                    u.sessions_valid_after, g.role, g.jurisdiction_path
             FROM access.users u LEFT JOIN access.grants g ON g.user_id = u.id
             WHERE u.id = $1 ORDER BY g.jurisdiction_path, g.role",
        )
        .bind::<Uuid_, _>(id)
        .load(&mut c)
        .map_err(store_err)?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let Some(user) = to_user((
            first.id,
            first.email.clone(),
            first.password_hash.clone(),
            first.is_admin,
            first.disabled,
            first.sessions_valid_after,
        )) else {
            return Ok(None);
        };
        let grants = rows
            .iter()
            .filter_map(|r| to_grant(id, r.role.as_deref()?, r.jurisdiction_path.as_deref()?))
            .collect();
        Ok(Some((user, Grants(grants))))
    }
}

/// A row of a user joined to one of their grants (none: `role` is NULL).
#[derive(QueryableByName)]
struct UserGrantRow {
    #[diesel(sql_type = Uuid_)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Text)]
    password_hash: String,
    #[diesel(sql_type = Bool)]
    is_admin: bool,
    #[diesel(sql_type = Bool)]
    disabled: bool,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    sessions_valid_after: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    role: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    jurisdiction_path: Option<String>,
}

impl UserStore for DieselTx {
    fn by_email(&mut self, email: &Email) -> Result<Option<User>, StoreError> {
        let c = self.conn();
        let row: Option<Row> = u::table
            .filter(u::email.eq(email.as_str()))
            .select(USER_COLUMNS)
            .first(c)
            .optional()
            .map_err(store_err)?;
        Ok(row.and_then(to_user))
    }

    fn by_id(&mut self, id: Uuid) -> Result<Option<User>, StoreError> {
        let c = self.conn();
        let row: Option<Row> = u::table
            .find(id)
            .select(USER_COLUMNS)
            .first(c)
            .optional()
            .map_err(store_err)?;
        Ok(row.and_then(to_user))
    }

    fn grants_of(&mut self, user_id: Uuid) -> Result<Grants, StoreError> {
        let c = self.conn();
        let rows: Vec<(String, String)> = g::table
            .filter(g::user_id.eq(user_id))
            .select((g::role, g::jurisdiction_path))
            .order((g::jurisdiction_path, g::role))
            .load(c)
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

    fn upsert(&mut self, user: &User) -> Result<(), StoreError> {
        let c = self.conn();
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
            .execute(c)
            .map_err(store_err)?;
        Ok(())
    }

    fn insert(&mut self, user: &User) -> Result<(), StoreError> {
        diesel::sql_query("SELECT access.insert_user($1, $2, $3, $4)")
            .bind::<Uuid_, _>(user.id)
            .bind::<Text, _>(user.email.as_str())
            .bind::<Text, _>(&user.password_hash)
            .bind::<Bool, _>(user.disabled)
            .execute(self.conn())
            .map_err(|e| store_err(e).while_doing("adding a user"))?;
        Ok(())
    }

    fn add_grant(&mut self, grant: &Grant, by: &str) -> Result<(), StoreError> {
        diesel::sql_query("SELECT access.add_grant($1, $2, $3, $4)")
            .bind::<Uuid_, _>(grant.user_id)
            .bind::<Text, _>(grant.role.key())
            .bind::<Text, _>(grant.jurisdiction.as_str())
            .bind::<Text, _>(by)
            .execute(self.conn())
            .map_err(store_err)?;
        Ok(())
    }

    fn remove_grant(&mut self, grant: &Grant) -> Result<bool, StoreError> {
        let r: Removed = diesel::sql_query("SELECT access.remove_grant($1, $2, $3) AS answer")
            .bind::<Uuid_, _>(grant.user_id)
            .bind::<Text, _>(grant.role.key())
            .bind::<Text, _>(grant.jurisdiction.as_str())
            .get_result(self.conn())
            .map_err(store_err)?;
        Ok(r.answer)
    }

    fn set_disabled(&mut self, user_id: Uuid, disabled: bool) -> Result<(), StoreError> {
        diesel::sql_query("SELECT access.set_disabled($1, $2)")
            .bind::<Uuid_, _>(user_id)
            .bind::<Bool, _>(disabled)
            .execute(self.conn())
            .map_err(store_err)?;
        Ok(())
    }

    fn end_sessions(&mut self, user_id: Uuid, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let r: Ended = diesel::sql_query("SELECT access.end_sessions($1, $2) AS answer")
            .bind::<Uuid_, _>(user_id)
            .bind::<Timestamptz, _>(now)
            .get_result(self.conn())
            .map_err(store_err)?;
        Ok(r.answer.max(0) as u64)
    }

    fn set_password_hash(&mut self, user_id: Uuid, hash: &str) -> Result<(), StoreError> {
        diesel::sql_query("SELECT access.set_password_hash($1, $2)")
            .bind::<Uuid_, _>(user_id)
            .bind::<Text, _>(hash)
            .execute(self.conn())
            .map_err(store_err)?;
        Ok(())
    }

    fn end_session(&mut self, key_hash: &str) -> Result<bool, StoreError> {
        let n = diesel::delete(sess::table.filter(sess::key_hash.eq(key_hash)))
            .execute(self.conn())
            .map_err(store_err)?;
        Ok(n > 0)
    }

    fn store_link(&mut self, link: &NewLink) -> Result<(), StoreError> {
        diesel::sql_query("SELECT access.store_link($1, $2, $3, $4, $5, $6)")
            .bind::<Text, _>(&link.lookup)
            .bind::<Uuid_, _>(link.user_id)
            .bind::<Text, _>(&link.secret_hash)
            .bind::<Timestamptz, _>(link.created_at)
            .bind::<Timestamptz, _>(link.expires_at)
            .bind::<Text, _>(&link.created_by)
            .execute(self.conn())
            .map_err(store_err)?;
        Ok(())
    }

    fn drop_unused_links(&mut self, user_id: Uuid) -> Result<(), StoreError> {
        diesel::sql_query("SELECT access.drop_unused_links($1)")
            .bind::<Uuid_, _>(user_id)
            .execute(self.conn())
            .map_err(store_err)?;
        Ok(())
    }

    fn link(&mut self, lookup: &str) -> Result<Option<StoredLink>, StoreError> {
        let row: Option<LinkRow> = diesel::sql_query(
            "SELECT user_id, secret_hash, expires_at, used_at, created_by FROM access.link($1)",
        )
        .bind::<Text, _>(lookup)
        .get_result(self.conn())
        .optional()
        .map_err(store_err)?;
        Ok(row.map(|r| StoredLink {
            user_id: r.user_id,
            secret_hash: r.secret_hash,
            expires_at: r.expires_at,
            used_at: r.used_at,
            created_by: r.created_by,
        }))
    }

    fn redeem_link(
        &mut self,
        lookup: &str,
        now: DateTime<Utc>,
        hash: &str,
    ) -> Result<Option<(Uuid, u64)>, StoreError> {
        let r: Option<Redeemed> =
            diesel::sql_query("SELECT user_id, sessions_ended FROM access.redeem_link($1, $2, $3)")
                .bind::<Text, _>(lookup)
                .bind::<Timestamptz, _>(now)
                .bind::<Text, _>(hash)
                .get_result(self.conn())
                .optional()
                .map_err(store_err)?;
        Ok(r.map(|r| (r.user_id, r.sessions_ended.max(0) as u64)))
    }
}

/// What `access.remove_grant` answers.
#[derive(QueryableByName)]
struct Removed {
    #[diesel(sql_type = Bool)]
    answer: bool,
}

/// What `access.end_sessions` answers.
#[derive(QueryableByName)]
struct Ended {
    #[diesel(sql_type = BigInt)]
    answer: i64,
}

/// What `access.redeem_link` answers when the link was valid.
#[derive(QueryableByName)]
struct Redeemed {
    #[diesel(sql_type = Uuid_)]
    user_id: Uuid,
    #[diesel(sql_type = BigInt)]
    sessions_ended: i64,
}

/// A row of `access.link(lookup)`.
#[derive(QueryableByName)]
struct LinkRow {
    #[diesel(sql_type = Uuid_)]
    user_id: Uuid,
    #[diesel(sql_type = Text)]
    secret_hash: String,
    #[diesel(sql_type = Timestamptz)]
    expires_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    used_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Text)]
    created_by: String,
}

impl AccessTx for DieselTx {
    fn users(&mut self) -> &mut dyn UserStore {
        self
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

/// Appends `entries` to the audit log (`access.audit_log`, append-only: the table refuses
/// UPDATE and DELETE) on the unit of work's connection, each stamped with the database's
/// UTC time, and with the caller's name and address where the entry names none. The unit
/// of work calls this at commit ([`crate::adapters::persistence::shared::AuditWriter`]).
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn append_audit(
    conn: &mut PgConnection,
    caller: &Caller,
    entries: &[AuditEntry],
) -> Result<(), StoreError> {
    for e in entries {
        let details: serde_json::Map<String, serde_json::Value> = e
            .details
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        // The jurisdictions it concerns: where it was recorded, or else the grants of the
        // user whose e-mail is its actor (none for an unknown address or the system).
        diesel::sql_query(
            "INSERT INTO access.audit_log (actor, action, jurisdiction, client_addr, details, \
                                           jurisdictions) \
             SELECT $1, $2, $3, $4, $5, CASE WHEN $3 IS NOT NULL THEN ARRAY[$3] ELSE \
                 coalesce((SELECT array_agg(DISTINCT g.jurisdiction_path \
                                            ORDER BY g.jurisdiction_path) \
                           FROM access.grants g JOIN access.users u ON u.id = g.user_id \
                           WHERE u.email = $1 OR u.id::text = $1), '{}') END",
        )
        .bind::<Text, _>(e.actor.as_deref().unwrap_or(caller.actor()))
        .bind::<Text, _>(&e.action)
        .bind::<Nullable<Text>, _>(&e.jurisdiction)
        .bind::<Nullable<Text>, _>(e.client_addr.as_deref().or(caller.client_addr()))
        .bind::<diesel::sql_types::Jsonb, _>(serde_json::Value::Object(details))
        .execute(conn)
        .map_err(store_err)?;
    }
    Ok(())
}

/// The admin pages' reads over the `access` schema.
pub struct DieselAdminQueries {
    pool: PgPool,
}

impl DieselAdminQueries {
    /// Reads on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselAdminQueries { pool }
    }
}

pub(super) fn to_grant(user_id: Uuid, role: &str, path: &str) -> Option<Grant> {
    Some(Grant {
        user_id,
        role: Role::parse(role).ok()?,
        jurisdiction: JurisdictionPath::parse(path).ok()?,
    })
}

type SessionRow = (String, Option<Uuid>, DateTime<Utc>, DateTime<Utc>);

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
/// The entries an admin of the subtrees `$1` sees: those concerning a jurisdiction inside
/// them, and, for an admin of a whole country (a path without `/`), those concerning none.
const AUDIT_QUERY: &str = "SELECT at, actor, action, \
            coalesce(jurisdiction, nullif(array_to_string(jurisdictions, ', '), '')) \
              AS jurisdiction, client_addr, details \
     FROM access.audit_log \
     WHERE (EXISTS (SELECT 1 FROM unnest(jurisdictions) AS j(p), unnest($1::text[]) AS s(p) \
                    WHERE j.p = s.p OR starts_with(j.p, s.p || '/')) \
            OR (jurisdictions = '{}' \
                AND EXISTS (SELECT 1 FROM unnest($1::text[]) AS s(p) WHERE strpos(s.p, '/') = 0))) \
       AND ($2::text IS NULL OR strpos(lower(actor), lower($2)) > 0) \
       AND ($3::text IS NULL OR action = $3) \
       AND ($4::timestamptz IS NULL OR at >= $4) \
       AND ($5::timestamptz IS NULL OR at < $5) \
       AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM unnest(jurisdictions) AS j(p) \
                                        WHERE j.p = $6 OR starts_with(j.p, $6 || '/'))) \
     ORDER BY at DESC, id DESC LIMIT $7 OFFSET $8";

impl AdminQueries for DieselAdminQueries {
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
                sess::key_hash,
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
            .filter(sess::key_hash.eq(key))
            .filter(sess::expires_at.gt(Utc::now()))
            .select((
                sess::key_hash,
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
    ) -> Result<Vec<AuditRecord>, StoreError> {
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
            .map(|r| AuditRecord {
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
