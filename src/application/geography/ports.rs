//! Ports of the geography context: what its use cases need from storage.

use crate::application::shared::{StoreError, Transaction};
use crate::domain::geography::Jurisdiction;

/// The jurisdiction tree's storage, inside a unit of work.
pub trait JurisdictionRegistry {
    /// Inserts the nodes not stored yet and updates the ones whose kind, source code or
    /// boundary changed (parents before children); returns (written, unchanged).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn upsert(&mut self, nodes: &[Jurisdiction]) -> Result<(u64, u64), StoreError>;
}

/// The transaction of geography's use cases: hands out its ports.
pub trait GeographyTx: Transaction {
    /// The jurisdiction tree.
    fn jurisdictions(&mut self) -> &mut dyn JurisdictionRegistry;
}
