//! Use case: import a batch of surveyed landings read from a source (the PeskAAS tables),
//! with the species they refer to, in one unit of work that also records the import, its
//! rejected rows, its audit entry and the [`LandingsImported`] event. The read models are
//! rebuilt by the summary projector when the event reaches it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::ports::{AssessedLanding, ImportRecord, LandingsTx, SourceLanding};
use crate::application::shared::{
    AuditEntry, Caller, RejectedRow, StoreError, StoreFailure, TableCounts, Transaction, TxOptions,
    UnitOfWork,
};
use crate::domain::landings::{LandingsImported, PESKAAS_2020, Peskaas2020, Species};
use crate::domain::shared::DomainEvent;

/// What a source adapter read, before anything is written.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    /// The source format (`peskaas`).
    pub source: String,
    /// Where it was read from.
    pub location: String,
    /// The jurisdiction the import covers (its country, for a PeskAAS import).
    pub jurisdiction: String,
    /// The counts of the files read for the import that other contexts stored (geography's
    /// jurisdiction files), recorded with the import before its own files.
    pub preceding: Vec<TableCounts>,
    /// Species catalogue entries.
    pub species: Vec<Species>,
    /// The species file's name and rows read.
    pub species_file: (String, u64),
    /// Landings that could be read, with all their catch lines.
    pub landings: Vec<SourceLanding>,
    /// The landings file's name and rows read.
    pub landings_file: (String, u64),
    /// The catch-lines file's name and rows read.
    pub catch_lines_file: (String, u64),
    /// Rows refused, each with file, line, column and reason.
    pub rejected: Vec<RejectedRow>,
}

/// The outcome of an import: its id and counts per table.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    /// The import's id (its rejected rows are listed under it).
    pub import_id: Uuid,
    /// Counts per source table.
    pub tables: Vec<TableCounts>,
}

/// Why an import failed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The database failed; the transaction was rolled back.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StoreFailure for ImportError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            ImportError::Store(e) => Some(e),
        }
    }
}

/// Who and when, for the import record.
#[derive(Debug, Clone)]
pub struct ImportContext {
    /// Who runs the import.
    pub started_by: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Today's date for the rule set (dates after it are in the future).
    pub today: NaiveDate,
}

/// Imports `batch` as `caller`: assesses each landing with rule set `peskaas-2020`, then in
/// one unit of work writes species, new and changed landings (unchanged ones, recognised by
/// fingerprint, are left alone), the rejected rows and the import record, writes the
/// `import` audit entry and publishes [`LandingsImported`] when it wrote a landing.
///
/// # Errors
/// [`ImportError::Store`] when the database fails; the transaction is rolled back.
#[tracing::instrument(skip_all, fields(source = %batch.source, location = %batch.location))]
pub fn import_landings<U>(
    uow: &U,
    caller: &Caller,
    batch: &ImportBatch,
    ctx: &ImportContext,
) -> Result<ImportReport, ImportError>
where
    U: UnitOfWork,
    U::Tx: LandingsTx,
{
    let rules = Peskaas2020::default();
    let import_id = Uuid::now_v7();
    // Assessing is pure: done once, outside the transaction (which may run again).
    let assessed: Vec<_> = batch
        .landings
        .iter()
        .map(|s| (s, rules.assess(&s.landing, ctx.today)))
        .collect();
    // An import can be re-run (it is idempotent): losing its commit in a crash of the
    // server costs a re-run, never consistency, so it need not wait for the WAL flush.
    uow.run_with(caller, TxOptions::default().relaxed(), |tx| {
        let clock = std::time::Instant::now();
        let step = |name: &str| {
            tracing::debug!(
                step = name,
                elapsed_ms = clock.elapsed().as_millis() as u64,
                "import step done"
            )
        };
        let mut tables = batch.preceding.clone();
        let (written, unchanged) = tx.imports().upsert_species(&batch.species)?;
        tables.push(TableCounts {
            table: batch.species_file.0.clone(),
            read: batch.species_file.1,
            imported: written,
            unchanged,
            rejected: count_rejected(&batch.rejected, &batch.species_file.0),
        });

        // Landings: only new or changed ones are written.
        let stored: HashMap<i64, String> = tx.imports().landing_fingerprints(&batch.source)?;
        step("fingerprints");
        let mut to_write = Vec::new();
        let mut changed = Vec::new();
        let (mut unchanged_landings, mut unchanged_lines) = (0u64, 0u64);
        for (s, assessment) in &assessed {
            let fingerprint = stored.get(&s.landing.source_id);
            if fingerprint == Some(&s.fingerprint) {
                unchanged_landings += 1;
                unchanged_lines += s.landing.catch_lines.len() as u64;
            } else {
                if fingerprint.is_some() {
                    changed.push(s.landing.source_id);
                }
                to_write.push(AssessedLanding {
                    assessment: assessment.clone(),
                    landing: &s.landing,
                    fingerprint: &s.fingerprint,
                });
            }
        }
        let written_lines: u64 = to_write
            .iter()
            .map(|a| a.landing.catch_lines.len() as u64)
            .sum();
        tables.push(TableCounts {
            table: batch.landings_file.0.clone(),
            read: batch.landings_file.1,
            imported: to_write.len() as u64,
            unchanged: unchanged_landings,
            rejected: count_rejected(&batch.rejected, &batch.landings_file.0),
        });
        tables.push(TableCounts {
            table: batch.catch_lines_file.0.clone(),
            read: batch.catch_lines_file.1,
            imported: written_lines,
            unchanged: unchanged_lines,
            rejected: count_rejected(&batch.rejected, &batch.catch_lines_file.0),
        });

        let record = ImportRecord {
            id: import_id,
            source: batch.source.clone(),
            location: batch.location.clone(),
            rule_set: PESKAAS_2020.to_string(),
            started_at: ctx.started_at,
            finished_at: Utc::now(),
            started_by: ctx.started_by.clone(),
            jurisdiction: batch.jurisdiction.clone(),
            counts: tables.clone(),
        };
        tx.imports().record_import(&record)?;
        tx.imports().record_rejections(import_id, &batch.rejected)?;
        if !changed.is_empty() {
            tx.imports().remove_landings(&batch.source, &changed)?;
        }
        if !to_write.is_empty() {
            tx.imports()
                .insert_landings(&batch.source, import_id, &to_write)?;
        }
        step("landings written");
        let mut entry = AuditEntry::new("import")
            .with("source", &batch.source)
            .with("location", &batch.location)
            .with("import_id", import_id);
        for t in &tables {
            entry = entry.with(&t.table, t.summary());
        }
        tx.audit(entry);
        // An import that changed nothing tells no one.
        if !to_write.is_empty() {
            tx.publish(DomainEvent::new(
                LandingsImported {
                    import_id,
                    source: batch.source.clone(),
                    jurisdiction: batch.jurisdiction.clone(),
                    written: to_write.len() as u64,
                    replaced: changed.len() as u64,
                    unchanged: unchanged_landings,
                    rejected: batch.rejected.len() as u64,
                },
                Utc::now(),
            ))?;
        }
        tracing::info!(
            written = to_write.len(),
            replaced = changed.len(),
            unchanged = unchanged_landings,
            rejected = batch.rejected.len(),
            "import written"
        );
        Ok(ImportReport { import_id, tables })
    })
}

fn count_rejected(rows: &[RejectedRow], file: &str) -> u64 {
    rows.iter().filter(|r| r.file == file).count() as u64
}
