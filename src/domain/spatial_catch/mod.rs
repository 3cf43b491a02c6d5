//! Spatial catch context: matches between surveyed landings and GPS-tracked trips, the gear
//! and habitat of unmatched trips imputed from their nearest matched trip, and the catch and
//! effort per 0.1° grid cell that these allow.
//!
//! It reads the landings and tracking contexts only through their published views, given
//! here as its own input types ([`LandingForMatch`], [`TripForMatch`]). The rules follow
//! PeskAAS (shaunpwilkinson/peskAAS) and Peskas (WorldFishCenter/peskas.timor.data.pipeline);
//! each module names the file and function it follows.
//!
//! Identifiers: a tracker's IMEI is the tracking context's `Imei` in meaning, but this
//! context keeps its own [`Imei`] (and the suffix resolution of [`DeployedDevices`]), as a
//! context may not name another's model; both check the same 15-digit form.

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
