//! Landings context: surveyed landings (catch surveys) with their catch lines, the species
//! catalogue, the rule sets that flag them, and the monthly summary they publish.

pub mod codes;
pub mod effort;
pub mod events;
mod fixtures;
pub mod flags;
pub mod landing;
pub mod review;
pub mod rules;
pub mod species;
pub mod summary;

pub use codes::{BoatType, Habitat};
pub use effort::{Cpue, FisherHours};
pub use events::{LandingReviewed, LandingsImported};
pub use flags::{QualityFlag, Severity};
pub use landing::{CatchLine, CatchUse, Fishers, LandingId, LandingSiteRef, SurveyedLanding};
pub use review::{Corrections, Decision, Review, ReviewError};
pub use rules::{Assessment, PESKAAS_2020, Peskaas2020, TASI_2026};
pub use species::Species;
pub use summary::{MonthlySummaryRow, SummaryInput, SummaryScope, summarise};
