//! Read side of the geography context over diesel: the municipalities a caller may see,
//! with their boundaries, from its published views.

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::adapters::persistence::shared::{PgPool, ScopedRead, store_err};
use crate::application::geography::ports::{GeographyQueries, MunicipalityShape};
use crate::application::shared::StoreError;
use crate::domain::shared::AccessScope;

/// Geography queries on a pool.
pub struct DieselGeographyQueries {
    pool: PgPool,
}

impl DieselGeographyQueries {
    /// Queries on `pool`.
    pub fn new(pool: PgPool) -> Self {
        DieselGeographyQueries { pool }
    }
}

impl GeographyQueries for DieselGeographyQueries {
    fn municipality_names(&self, scope: &AccessScope) -> Result<Vec<String>, StoreError> {
        let mut c = ScopedRead::open(&self.pool, scope)?;
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Text)]
            name: String,
            #[diesel(sql_type = Text)]
            path: String,
        }
        let rows: Vec<R> = diesel::sql_query(
            "SELECT name, path FROM geography.v1_jurisdictions
             WHERE kind = 'municipality' ORDER BY name",
        )
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .filter(|r| scope.covers_str(&r.path))
            .map(|r| r.name)
            .collect())
    }

    fn municipalities(&self, scope: &AccessScope) -> Result<Vec<MunicipalityShape>, StoreError> {
        let mut c = ScopedRead::open(&self.pool, scope)?;
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Text)]
            name: String,
            #[diesel(sql_type = Text)]
            path: String,
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Jsonb>)]
            boundary: Option<serde_json::Value>,
        }
        let rows: Vec<R> = diesel::sql_query(
            "SELECT j.name, j.path, b.boundary
             FROM geography.v1_jurisdictions j
             LEFT JOIN geography.v1_boundaries b ON b.path = j.path
             WHERE j.kind = 'municipality' ORDER BY j.name",
        )
        .load(&mut *c)
        .map_err(store_err)?;
        Ok(rows
            .into_iter()
            .filter(|r| scope.covers_str(&r.path))
            .map(|r| MunicipalityShape {
                name: r.name,
                path: r.path,
                polygons: r
                    .boundary
                    .and_then(|b| serde_json::from_value(b).ok())
                    .unwrap_or_default(),
            })
            .collect())
    }
}
