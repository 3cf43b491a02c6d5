//! The estimation context's model: raising sampled landings to the whole fleet, with the
//! uncertainty of each figure.
//!
//! - [`artfish`]: FAO ArtFish (FAO Fisheries Technical Paper 425, "Sample-based fishery
//!   surveys", 2002, and the ArtBasic program that implements it) per estimation context
//!   (minor stratum × month × boat/gear type): boat activity, effort, CPUE, catch, species,
//!   value, accuracy indicators, coefficients of variation, 95 % limits and safe sample
//!   sizes.
//! - [`peskaas`]: the PeskAAS national catch (tonnes per month) from CPUE by boat type and
//!   the fleet census.
//! - [`peskas`]: the Peskas estimate per municipality and month (mean catch per landing ×
//!   trips per boat × boats) with seeded bootstrap limits, thin months marked, and the
//!   tracker coverage graded.
//!
//! Every function is pure: numbers in, numbers out; the application feeds it the published
//! views of the landings and tracking contexts.

pub mod artfish;
pub mod census;
pub mod peskaas;
pub mod peskas;
