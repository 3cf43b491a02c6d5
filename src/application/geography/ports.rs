//! Ports of the geography context: what its use cases need from storage.

use crate::application::shared::{StoreError, Transaction};
use crate::domain::geography::Jurisdiction;
use crate::domain::shared::AccessScope;

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

/// A municipality's name, path and boundary, as maps draw it.
#[derive(Debug, Clone, PartialEq)]
pub struct MunicipalityShape {
    /// Municipality name.
    pub name: String,
    /// Jurisdiction path.
    pub path: String,
    /// Polygons → rings → (lon, lat).
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

/// Read side of the geography context's products; every query is limited to the caller's
/// scope.
pub trait GeographyQueries: Send + Sync {
    /// Municipalities the scope may see, by name, with their boundaries when known.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn municipalities(&self, scope: &AccessScope) -> Result<Vec<MunicipalityShape>, StoreError>;

    /// The names of the municipalities the scope may see, in order, without their
    /// boundaries (for the filters of lists, which draw no map).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn municipality_names(&self, scope: &AccessScope) -> Result<Vec<String>, StoreError>;
}
