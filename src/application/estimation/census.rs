//! Loading a fleet census.

use super::ports::{EstimationTx, StoredCensusArea};
use crate::application::shared::{
    AuditEntry, Caller, StoreError, StoreFailure, Transaction, UnitOfWork,
};
use crate::domain::estimation::census::CensusArea;

/// What a census import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusReport {
    /// Areas read.
    pub read: usize,
    /// Areas written (new or changed).
    pub written: usize,
    /// Areas already stored as they are.
    pub unchanged: usize,
}

/// Why a census import stopped; nothing of it is written.
#[derive(Debug, thiserror::Error)]
pub enum CensusImportError {
    /// A row names a municipality geography does not know.
    #[error(
        "{file}:{line}: municipality: `{name}` (of area `{area}`) is not a municipality of the geography; import the boundaries first"
    )]
    UnknownMunicipality {
        /// The file.
        file: String,
        /// The line (1 = header).
        line: u64,
        /// The area.
        area: String,
        /// The name not found.
        name: String,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StoreFailure for CensusImportError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            CensusImportError::Store(e) => Some(e),
            CensusImportError::UnknownMunicipality { .. } => None,
        }
    }
}

/// Stores the census `areas` (each with the file line it came from), in one transaction, as
/// `caller`; every municipality they name must be known to geography.
///
/// # Errors
/// [`CensusImportError`]: an unknown municipality (naming file, line and field), or a
/// database failure. Either way nothing is written.
pub fn import_census<U>(
    uow: &U,
    caller: &Caller,
    file: &str,
    areas: &[(u64, CensusArea)],
    source: &str,
) -> Result<CensusReport, CensusImportError>
where
    U: UnitOfWork,
    U::Tx: EstimationTx,
{
    uow.run(caller, |tx| {
        let mut report = CensusReport {
            read: areas.len(),
            written: 0,
            unchanged: 0,
        };
        for (line, area) in areas {
            let mut jurisdictions = Vec::new();
            for name in area.municipalities() {
                match tx.census().municipality_path(&name)? {
                    Some(path) => jurisdictions.push(path),
                    None => {
                        return Err(CensusImportError::UnknownMunicipality {
                            file: file.to_string(),
                            line: *line,
                            area: area.area.clone(),
                            name,
                        });
                    }
                }
            }
            let stored = StoredCensusArea {
                area: area.clone(),
                jurisdictions,
            };
            if tx.census().store_area(&stored, source)? {
                report.written += 1;
            } else {
                report.unchanged += 1;
            }
        }
        tx.audit(
            AuditEntry::new("estimation.census_imported")
                .with("file", file)
                .with("areas", report.read)
                .with("written", report.written),
        );
        Ok(report)
    })
}
