//! Command: register the nodes of the jurisdiction tree that an import names (a country,
//! its municipalities with their boundaries, its landing sites), in one unit of work.

use chrono::Utc;

use super::ports::GeographyTx;
use crate::application::shared::{Caller, StoreError, TableCounts, Transaction, UnitOfWork};
use crate::domain::geography::{Jurisdiction, JurisdictionsRegistered};
use crate::domain::shared::DomainEvent;

/// The nodes an import names, each with the file it came from (empty for a node no file
/// lists, such as the country); parents come before their children.
#[derive(Debug, Clone, Default)]
pub struct NamedJurisdictions {
    /// The country the nodes belong to, as a path.
    pub country: String,
    /// (file, node), parents first.
    pub nodes: Vec<(String, Jurisdiction)>,
    /// Data rows read per file (`municipalities.geojson`, `stations.csv`), in file order.
    pub rows_read: Vec<(String, u64)>,
    /// Rows each file refused, per file (counted into its [`TableCounts`]).
    pub rejected: Vec<(String, u64)>,
}

/// Registers `named` as `caller`: nodes of no file first, then each file's nodes; raises
/// [`JurisdictionsRegistered`] when a node was written. Returns the counts per file.
///
/// # Errors
/// [`StoreError`] when the database fails; nothing is written.
pub fn register_jurisdictions<U>(
    uow: &U,
    caller: &Caller,
    named: &NamedJurisdictions,
) -> Result<Vec<TableCounts>, StoreError>
where
    U: UnitOfWork,
    U::Tx: GeographyTx,
{
    let of_file = |file: &str| -> Vec<Jurisdiction> {
        named
            .nodes
            .iter()
            .filter(|(f, _)| f == file)
            .map(|(_, j)| j.clone())
            .collect()
    };
    uow.run(caller, |tx| {
        let (mut written, mut unchanged) = tx.jurisdictions().upsert(&of_file(""))?;
        let mut tables = Vec::new();
        for (file, read) in &named.rows_read {
            let (w, u) = tx.jurisdictions().upsert(&of_file(file))?;
            written += w;
            unchanged += u;
            tables.push(TableCounts {
                table: file.clone(),
                read: *read,
                imported: w,
                unchanged: u,
                rejected: named
                    .rejected
                    .iter()
                    .filter(|(f, _)| f == file)
                    .map(|(_, n)| n)
                    .sum(),
            });
        }
        if written > 0 {
            tx.publish(DomainEvent::new(
                JurisdictionsRegistered {
                    country: named.country.clone(),
                    written,
                    unchanged,
                },
                Utc::now(),
            ))?;
        }
        Ok(tables)
    })
}
