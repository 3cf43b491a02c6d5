//! The geography ports in memory: the jurisdiction tree as the context's part of the
//! in-memory state.

use std::collections::BTreeMap;

use crate::adapters::persistence::shared::memory::MemoryTx;
use crate::application::geography::ports::{GeographyTx, JurisdictionRegistry};
use crate::application::shared::StoreError;
use crate::domain::geography::Jurisdiction;

/// The geography context's part of the in-memory state.
#[derive(Debug, Clone, Default)]
pub struct GeographyMemory {
    /// The jurisdiction tree, by path.
    pub jurisdictions: BTreeMap<String, Jurisdiction>,
}

impl JurisdictionRegistry for MemoryTx {
    fn upsert(&mut self, nodes: &[Jurisdiction]) -> Result<(u64, u64), StoreError> {
        let tree = &mut self.part::<GeographyMemory>().jurisdictions;
        let (mut written, mut unchanged) = (0, 0);
        for j in nodes {
            match tree.get(j.path.as_str()) {
                Some(s)
                    if s.kind == j.kind
                        && s.source_code == j.source_code
                        && s.boundary == j.boundary =>
                {
                    unchanged += 1;
                }
                _ => {
                    tree.insert(j.path.to_string(), j.clone());
                    written += 1;
                }
            }
        }
        Ok((written, unchanged))
    }
}

impl GeographyTx for MemoryTx {
    fn jurisdictions(&mut self) -> &mut dyn JurisdictionRegistry {
        self
    }
}
