//! What every import reports, whatever the context it feeds: counts per source file, and
//! the rows it refused.

/// Counts of one source file (or table) in one import.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableCounts {
    /// The source file (`trips.csv`).
    pub table: String,
    /// Data rows read.
    pub read: u64,
    /// Rows written: new, or changed since the last import.
    pub imported: u64,
    /// Rows already stored as they are.
    pub unchanged: u64,
    /// Rows refused (listed with their reasons).
    pub rejected: u64,
}

impl TableCounts {
    /// The counts as the command line prints them and the audit log records them:
    /// `27681 read, 27681 imported, 0 unchanged, 0 rejected`.
    pub fn summary(&self) -> String {
        format!(
            "{} read, {} imported, {} unchanged, {} rejected",
            self.read, self.imported, self.unchanged, self.rejected
        )
    }
}

/// A row of a source file that could not be imported, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// The file's name (`trips.csv`).
    pub file: String,
    /// The line in the file, 1-based, counting the header as line 1.
    pub line: u64,
    /// The column at fault (as the file's header names it), when one is.
    pub column: Option<String>,
    /// Why, in words.
    pub reason: String,
    /// The row as it was in the file.
    pub raw: String,
}
