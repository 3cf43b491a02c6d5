//! Persistence of the geography context: the jurisdiction tree (schema `geography`), and
//! the one question other contexts' adapters ask of its published view.

pub mod jurisdictions;
pub mod memory;
pub mod queries;
pub mod schema;

use diesel::pg::PgConnection;
use diesel::prelude::*;

use crate::adapters::persistence::shared::store_err;
use crate::application::shared::StoreError;

/// The path of the jurisdiction tree's country when there is exactly one (the geography
/// context's published view), else `None`.
///
/// # Errors
/// When the database fails.
pub fn single_country(conn: &mut PgConnection) -> Result<Option<String>, StoreError> {
    #[derive(QueryableByName)]
    struct Country {
        #[diesel(sql_type = diesel::sql_types::Text)]
        path: String,
    }
    let found: Option<Country> = diesel::sql_query(
        "SELECT min(path) AS path FROM geography.v1_jurisdictions
         WHERE kind = 'country' HAVING count(*) = 1",
    )
    .get_result(conn)
    .optional()
    .map_err(store_err)?;
    Ok(found.map(|c| c.path))
}
