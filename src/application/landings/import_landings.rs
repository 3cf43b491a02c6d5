//! Use case: import a batch of surveyed landings read from a source (the PeskAAS tables),
//! with the jurisdictions and species they refer to, in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::ports::{
    AssessedLanding, ImportRecord, ImportUnitOfWork, RejectedRow, SourceLanding, TableCounts,
};
use crate::application::shared::StoreError;
use crate::domain::geography::Jurisdiction;
use crate::domain::landings::{PESKAAS_2020, Peskaas2020, Species, summarise};

/// What a source adapter read, before anything is written.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    /// The source format (`peskaas`).
    pub source: String,
    /// Where it was read from.
    pub location: String,
    /// The jurisdiction the import covers (its country, for a PeskAAS import).
    pub jurisdiction: String,
    /// Jurisdiction nodes, parents before children, and the file each came from (empty for
    /// a node no file lists, such as the country).
    pub jurisdictions: Vec<(String, Jurisdiction)>,
    /// Data rows read per jurisdiction file (`municipalities.geojson`, `stations.csv`).
    pub jurisdiction_rows: Vec<(String, u64)>,
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

/// Imports `batch`: assesses each landing with rule set `peskaas-2020`, then in one
/// transaction writes jurisdictions, species, new and changed landings (unchanged ones,
/// recognised by fingerprint, are left alone), the rejected rows, the import record, and
/// rebuilds the monthly summary read model.
///
/// # Errors
/// [`ImportError::Store`] when the database fails; the transaction is rolled back.
#[tracing::instrument(skip_all, fields(source = %batch.source, location = %batch.location))]
pub fn import_landings(
    uow: &dyn ImportUnitOfWork,
    batch: &ImportBatch,
    ctx: &ImportContext,
) -> Result<ImportReport, ImportError> {
    let rules = Peskaas2020::default();
    let import_id = Uuid::new_v4();
    let mut report = None;

    uow.run(&mut |tx| {
        let clock = std::time::Instant::now();
        let step = |name: &str| {
            tracing::debug!(
                step = name,
                elapsed_ms = clock.elapsed().as_millis() as u64,
                "import step done"
            )
        };
        let mut tables = Vec::new();

        // Jurisdictions: nodes of no file (the country) first, then counted per file.
        let uncounted: Vec<Jurisdiction> = batch
            .jurisdictions
            .iter()
            .filter(|(f, _)| f.is_empty())
            .map(|(_, j)| j.clone())
            .collect();
        tx.upsert_jurisdictions(&uncounted)?;
        for (file, read) in &batch.jurisdiction_rows {
            let nodes: Vec<Jurisdiction> = batch
                .jurisdictions
                .iter()
                .filter(|(f, _)| f == file)
                .map(|(_, j)| j.clone())
                .collect();
            let (written, unchanged) = tx.upsert_jurisdictions(&nodes)?;
            tables.push(TableCounts {
                table: file.clone(),
                read: *read,
                imported: written,
                unchanged,
                rejected: count_rejected(&batch.rejected, file),
            });
        }

        let (written, unchanged) = tx.upsert_species(&batch.species)?;
        tables.push(TableCounts {
            table: batch.species_file.0.clone(),
            read: batch.species_file.1,
            imported: written,
            unchanged,
            rejected: count_rejected(&batch.rejected, &batch.species_file.0),
        });

        // Landings: only new or changed ones are written.
        step("jurisdictions and species");
        let stored: HashMap<i64, String> = tx.landing_fingerprints(&batch.source)?;
        step("fingerprints");
        let mut to_write = Vec::new();
        let mut changed = Vec::new();
        let (mut unchanged_landings, mut unchanged_lines) = (0u64, 0u64);
        for s in &batch.landings {
            let fingerprint = stored.get(&s.landing.source_id);
            if fingerprint == Some(&s.fingerprint) {
                unchanged_landings += 1;
                unchanged_lines += s.landing.catch_lines.len() as u64;
            } else {
                if fingerprint.is_some() {
                    changed.push(s.landing.source_id);
                }
                to_write.push(AssessedLanding {
                    assessment: rules.assess(&s.landing, ctx.today),
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
        step("assessment");
        tx.record_import(&record)?;
        tx.record_rejections(import_id, &batch.rejected)?;
        if !changed.is_empty() {
            tx.remove_landings(&batch.source, &changed)?;
        }
        if !to_write.is_empty() {
            tx.insert_landings(&batch.source, import_id, &to_write)?;
        }
        step("landings written");
        let inputs = tx.summary_inputs()?;
        tx.replace_read_models(&summarise(&inputs))?;
        step("read models rebuilt");
        tracing::info!(
            written = to_write.len(),
            replaced = changed.len(),
            unchanged = unchanged_landings,
            rejected = batch.rejected.len(),
            "import written"
        );
        report = Some(ImportReport { import_id, tables });
        Ok(())
    })?;
    report.ok_or_else(|| ImportError::Store(StoreError("the import produced no report".into())))
}

fn count_rejected(rows: &[RejectedRow], file: &str) -> u64 {
    rows.iter().filter(|r| r.file == file).count() as u64
}
