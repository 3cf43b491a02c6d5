//! Command: import tracked trips read by an anti-corruption layer (PeskAAS
//! `tracked_trips.csv`, PDS trips export), assessed by the track rules, in one unit of work.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::ports::{AssessedTrip, SourceTrip, TrackingImportRecord, TrackingTx};
use crate::application::shared::{
    AuditEntry, Caller, RejectedRow, StoreError, TableCounts, Transaction, TxOptions, UnitOfWork,
};
use crate::domain::shared::DomainEvent;
use crate::domain::tracking::{TrackRules, TrackedTrip, TrackedTripsImported};

/// What an anti-corruption layer read from one file.
#[derive(Debug, Clone, PartialEq)]
pub struct TripBatch {
    /// The source key (`peskaas`, `pds`).
    pub source: String,
    /// The file read, as shown to users.
    pub location: String,
    /// The file's name (`tracked_trips.csv`).
    pub file: String,
    /// Data rows read.
    pub read: u64,
    /// The trips read.
    pub trips: Vec<SourceTrip>,
    /// The rows refused while reading.
    pub rejected: Vec<RejectedRow>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct TripImportReport {
    /// The import's id.
    pub import_id: Uuid,
    /// Counts of the file.
    pub counts: TableCounts,
    /// Trips stored that break an error rule (kept, flagged, left out of effort figures).
    pub invalid: u64,
    /// Source ids of the trips written (new or changed).
    pub written: Vec<String>,
}

/// Imports `batch` as `caller` in one unit of work: places each trip at its landing site's
/// jurisdiction, applies `rules` (duration, distance, speed, land, and duplicates within the
/// batch), writes the changed trips with their vessels, devices and deployments, and
/// records the import with every rejected row, its `import` audit entry (the source named
/// `source_label`, e.g. `pds trips`) and, when a trip was written, [`TrackedTripsImported`]. A trip whose source row is unchanged since
/// the last import is left alone; a trip at an unknown site sits under the country (as a
/// landing at a site of unknown municipality does), or is rejected when there is no single
/// country.
///
/// # Errors
/// [`StoreError`] when the database fails; nothing is written.
pub fn import_tracked_trips<U>(
    uow: &U,
    caller: &Caller,
    batch: &TripBatch,
    rules: &TrackRules,
    source_label: &str,
    started_at: DateTime<Utc>,
) -> Result<TripImportReport, StoreError>
where
    U: UnitOfWork,
    U::Tx: TrackingTx,
{
    let import_id = Uuid::now_v7();
    // Re-runnable like the landings import: no need to wait for the WAL flush.
    uow.run_with(caller, TxOptions::default().relaxed(), |tx| {
        let land = tx.trips().land()?;
        let (sites, country) = tx.trips().sites()?;
        let stored = tx.trips().trip_fingerprints(&batch.source)?;
        let all: Vec<TrackedTrip> = batch.trips.iter().map(|s| s.trip.clone()).collect();
        let mut duplicate_flags: Vec<Vec<_>> = vec![Vec::new(); all.len()];
        for d in rules.find_duplicates(&all) {
            if let Some(v) = duplicate_flags.get_mut(d.index) {
                v.push(d.flag);
            }
        }
        let mut rejected = batch.rejected.clone();
        let mut assessed = Vec::new();
        let mut unchanged = 0u64;
        for (i, source) in batch.trips.iter().enumerate() {
            let place = source
                .site_code
                .as_ref()
                .and_then(|c| sites.get(c).cloned())
                .or_else(|| country.clone().map(|c| (c, None)));
            let Some((site_path, municipality)) = place else {
                rejected.push(RejectedRow {
                    file: batch.file.clone(),
                    line: source.line,
                    column: Some("station_code".into()),
                    reason: "unknown landing site, and no single country to place it under".into(),
                    raw: source.trip.source_trip_id().to_string(),
                });
                continue;
            };
            let id = source.trip.source_trip_id().to_string();
            if stored.get(&id) == Some(&source.fingerprint) {
                unchanged += 1;
                continue;
            }
            let mut flags = rules.assess(&source.trip, &land);
            flags.append(&mut duplicate_flags[i]);
            assessed.push(AssessedTrip {
                source,
                site_path,
                municipality,
                flags,
            });
        }
        tx.trips().write_trips(import_id, &assessed)?;
        let rejected_ids: HashSet<u64> = rejected.iter().map(|r| r.line).collect();
        let counts = TableCounts {
            table: batch.file.clone(),
            read: batch.read,
            imported: assessed.len() as u64,
            unchanged,
            rejected: rejected_ids.len() as u64,
        };
        let started_by = tx.caller().actor().to_string();
        tx.trips().record_import(
            &TrackingImportRecord {
                id: import_id,
                source: batch.source.clone(),
                location: batch.location.clone(),
                started_at,
                finished_at: Utc::now(),
                started_by,
                counts: vec![counts.clone()],
                jurisdiction: country.clone().unwrap_or_default(),
            },
            &rejected,
        )?;
        let invalid = assessed.iter().filter(|a| !a.is_valid()).count() as u64;
        tx.audit(
            AuditEntry::new("import")
                .with("source", source_label)
                .with("location", &batch.location)
                .with("import_id", import_id)
                .with(&counts.table, counts.summary()),
        );
        if !assessed.is_empty() {
            tx.publish(DomainEvent::new(
                TrackedTripsImported {
                    import_id,
                    source: batch.source.clone(),
                    jurisdiction: country.clone().unwrap_or_default(),
                    written: assessed.len() as u64,
                    invalid,
                },
                Utc::now(),
            ))?;
        }
        Ok(TripImportReport {
            import_id,
            counts,
            invalid,
            written: assessed
                .iter()
                .map(|a| a.source.trip.source_trip_id().to_string())
                .collect(),
        })
    })
}
