//! Tracking context: vessels, tracker devices and their deployments, and the tracked trips
//! (GPS tracks of fishing boats) with the rules that decide which of them count in effort
//! figures.

pub mod events;
pub mod flags;
pub mod fleet;
pub mod ids;
pub mod point;
pub mod rules;
pub mod trip;

pub use events::{PositionsImported, TrackedTripsImported, TrackedTripsReassessed};
pub use flags::{Severity, TrackFlag, code};
pub use fleet::{
    BoatType, Deployment, DeploymentError, Device, EmptyVesselId, UnknownBoatType, Vessel,
    VesselId, vessel_on,
};
pub use ids::{IMEI_DIGITS, Imei, ImeiError, ImeiFragment, ImeiFragmentError};
pub use point::{Heading, TrackPoint, TrackPointError};
pub use rules::{Duplicate, DuplicateBasis, PESKAS_TRACKS, TrackRules};
pub use trip::{
    NewTrackedTrip, Position, PositionError, SourceTripId, TrackSource, TrackedTrip,
    TrackedTripError, TrackedTripId, TripTimes,
};
