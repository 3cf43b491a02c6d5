//! Importers that feed the tracking context: PeskAAS tracked trips, and the Pelagic Data
//! Systems trips and points exports.

pub mod importer;
pub mod pds_points;
pub mod pds_trips;
pub mod tracked_trips;
