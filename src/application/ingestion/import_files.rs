//! Use case: import the files of one source: every importer registered for it, in the order
//! the contexts registered them, then the relay's delivery, then the contexts' reports.

use std::path::Path;

use super::ports::{ImportFailure, ImportOutcome, ImportReporter, Importer};
use crate::application::shared::{AuditEntry, Caller, Relay, StoreError, Transaction, UnitOfWork};

/// Why an import of files failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportFilesError {
    /// No importer reads the source.
    #[error("no importer reads `{0}`")]
    UnknownSource(String),
    /// An importer failed: nothing of its work was written (earlier importers' work stays).
    #[error(transparent)]
    Failed(#[from] ImportFailure),
}

/// Imports `location` of `source` as `caller`: runs each importer of `importers` whose
/// source it is, in order (an optional one whose file is missing is skipped), stops at the
/// first failure and records it as `import.failed` in the audit log; then lets `relay`
/// deliver the events the imports published (the read models are rebuilt) and appends
/// the `reporters`' lines. Returns every line to print.
///
/// # Errors
/// [`ImportFilesError::UnknownSource`] when no importer reads `source`,
/// [`ImportFilesError::Failed`] when an importer failed.
pub fn import_files<U: UnitOfWork>(
    uow: &U,
    importers: &[&dyn Importer],
    reporters: &[&dyn ImportReporter],
    relay: &Relay,
    caller: &Caller,
    source: &str,
    location: &Path,
) -> Result<Vec<String>, ImportFilesError> {
    let mine: Vec<&&dyn Importer> = importers.iter().filter(|i| i.source() == source).collect();
    if mine.is_empty() {
        return Err(ImportFilesError::UnknownSource(source.to_string()));
    }
    let since = chrono::Utc::now();
    let mut lines = Vec::new();
    for importer in mine {
        let at = match importer.file() {
            Some(file) => location.join(file),
            None => location.to_path_buf(),
        };
        if !importer.required() && !at.exists() {
            continue;
        }
        match importer.import(caller, location) {
            Ok(ImportOutcome { lines: mut l }) => lines.append(&mut l),
            Err(e) => {
                let entry = AuditEntry::new("import.failed")
                    .with("location", at.display())
                    .with("error", &e);
                let recorded = uow.run(caller, |tx| {
                    tx.audit(entry.clone());
                    Ok::<_, StoreError>(())
                });
                if let Err(r) = recorded {
                    tracing::error!(error = %r, "the failed import could not be audited");
                }
                return Err(e.into());
            }
        }
    }
    for d in relay.deliver_pending() {
        if let Err(e) = d.outcome {
            lines.push(format!(
                "{}: not brought up to date yet ({e}); it will be at the next delivery",
                d.subscriber
            ));
        }
    }
    for r in reporters {
        match r.report(since) {
            Ok(mut l) => lines.append(&mut l),
            Err(e) => tracing::warn!(error = %e, "a report after the import failed"),
        }
    }
    Ok(lines)
}
