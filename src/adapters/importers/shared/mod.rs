//! What the importers of every context share: reading CSV fields and headers.

pub mod csv_fields;
