//! Users in `access.users`.

use diesel::prelude::*;
use uuid::Uuid;

use super::schema::access::users as u;
use super::{PgPool, store_err};
use crate::application::StoreError;
use crate::application::access::UserRepository;
use crate::domain::access::{Email, User};

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
}
