//! Spatial catch context: matches between surveyed landings and GPS-tracked trips, the gear
//! and habitat of unmatched trips imputed from their nearest matched trip, and the catch and
//! effort per 0.1° grid cell that these allow.
//!
//! It reads the landings and tracking contexts only through their published views, given
//! here as its own input types ([`LandingForMatch`], [`TripForMatch`]). Positions and grid
//! cells are the shared kernel's [`LatLon`](crate::domain::shared::LatLon) and
//! [`GridCell`](crate::domain::shared::GridCell). The rules follow PeskAAS
//! (shaunpwilkinson/peskAAS) and Peskas (WorldFishCenter/peskas.timor.data.pipeline); each
//! module names the file and function it follows.

pub mod agreement;
pub mod grid;
pub mod imei;
pub mod imputation;
pub mod matching;

pub use agreement::{Agreement, compare};
pub use grid::{EffortCell, EffortGrid, GridTrip, LandedCatch, effort_grid, grid_trips};
pub use imei::{
    DeployedDevices, IMEI_DIGITS, Imei, ImeiError, ImeiMatch, ImeiResolution, MIN_IMEI_DIGITS,
};
pub use imputation::{
    Accuracy, Donor, Imputation, PESKAAS_MAX_DONOR_DISTANCE, TRACK_SAMPLES, Track, TrackSignature,
    cross_validate, donors, impute_donors, unmatched_tracks,
};
pub use matching::{
    LandingForMatch, LandingOutcome, LandingResult, Match, MatchRate, MatchReport, TripForMatch,
    TripOutcome, TripResult, match_landings, match_landings_with,
};
