//! Use cases of ingestion: bringing outside files into the contexts that own their data.
//! Each context registers the importers of the formats it reads; ingestion runs the ones a
//! source names, in order, records a failure in the audit log, and lets the relay deliver
//! what the imports published before it reports.

pub mod import_files;
pub mod ports;
