//! Users, grants and sessions in the `access` schema; the jurisdiction directory over
//! geography's published view; the audit log.

use diesel::prelude::*;
use uuid::Uuid;

use super::schema::access::{audit_log as a, grants as g, sessions as sess, users as u};
use super::{PgPool, store_err};
use crate::application::StoreError;
use crate::application::access::{AuditEvent, AuditLog, JurisdictionDirectory, UserRepository};
use crate::domain::access::{Email, Grant, Grants, Role, User};
use crate::domain::shared::JurisdictionPath;

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
