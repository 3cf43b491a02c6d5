//! The jurisdiction tree's writes on the unit of work's transaction.

use std::collections::HashMap;

use diesel::prelude::*;
use uuid::Uuid;

use super::schema as g;
use crate::adapters::persistence::shared::{DieselTx, store_err};
use crate::application::geography::ports::{GeographyTx, JurisdictionRegistry};
use crate::application::shared::StoreError;
use crate::domain::geography::Jurisdiction;

#[derive(Insertable)]
#[diesel(table_name = g::jurisdictions)]
struct NewJurisdiction {
    id: Uuid,
    parent_id: Option<Uuid>,
    path: String,
    name: String,
    kind: String,
    source_code: Option<String>,
    boundary: Option<serde_json::Value>,
}

fn boundary_json(j: &Jurisdiction) -> Option<serde_json::Value> {
    j.boundary
        .as_ref()
        .and_then(|b| serde_json::to_value(&b.0).ok())
}

impl JurisdictionRegistry for DieselTx {
    fn upsert(&mut self, nodes: &[Jurisdiction]) -> Result<(u64, u64), StoreError> {
        type Stored = (
            Uuid,
            String,
            String,
            Option<String>,
            Option<serde_json::Value>,
        );
        let stored: Vec<Stored> = g::jurisdictions::table
            .select((
                g::jurisdictions::id,
                g::jurisdictions::path,
                g::jurisdictions::kind,
                g::jurisdictions::source_code,
                g::jurisdictions::boundary,
            ))
            .load(self.conn())
            .map_err(store_err)?;
        let mut ids: HashMap<String, Uuid> = stored.iter().map(|s| (s.1.clone(), s.0)).collect();
        let by_path: HashMap<&str, &Stored> = stored.iter().map(|s| (s.1.as_str(), s)).collect();
        let (mut written, mut unchanged) = (0, 0);
        for j in nodes {
            let boundary = boundary_json(j);
            let parent_id = j.path.parent().and_then(|p| ids.get(p.as_str()).copied());
            match by_path.get(j.path.as_str()) {
                Some(s) if s.2 == j.kind.key() && s.3 == j.source_code && s.4 == boundary => {
                    unchanged += 1;
                }
                Some(s) => {
                    diesel::update(g::jurisdictions::table.find(s.0))
                        .set((
                            g::jurisdictions::kind.eq(j.kind.key()),
                            g::jurisdictions::source_code.eq(&j.source_code),
                            g::jurisdictions::boundary.eq(&boundary),
                            g::jurisdictions::parent_id.eq(parent_id),
                        ))
                        .execute(self.conn())
                        .map_err(store_err)?;
                    written += 1;
                }
                None => {
                    diesel::insert_into(g::jurisdictions::table)
                        .values(NewJurisdiction {
                            id: j.id,
                            parent_id,
                            path: j.path.to_string(),
                            name: j.name().to_string(),
                            kind: j.kind.key().to_string(),
                            source_code: j.source_code.clone(),
                            boundary,
                        })
                        .execute(self.conn())
                        .map_err(store_err)?;
                    ids.insert(j.path.to_string(), j.id);
                    written += 1;
                }
            }
        }
        Ok((written, unchanged))
    }
}

impl GeographyTx for DieselTx {
    fn jurisdictions(&mut self) -> &mut dyn JurisdictionRegistry {
        self
    }
}
