//! Importers that feed the landings context (and, through its port, geography's tree).

pub mod importer;
pub mod peskaas;
pub mod synthetic;
