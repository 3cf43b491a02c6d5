//! The estimation context's ports.

use chrono::NaiveDate;

use crate::application::shared::{StoreError, Transaction};
use crate::domain::estimation::census::CensusArea;
use crate::domain::estimation::peskaas::FleetBoatType;
use crate::domain::shared::AccessScope;

/// A census area with the jurisdictions it covers, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCensusArea {
    /// The area and its fleet.
    pub area: CensusArea,
    /// The jurisdiction paths of its municipalities.
    pub jurisdictions: Vec<String>,
}

/// The writes of a fleet census import.
pub trait FleetCensusWrites {
    /// The path of the municipality called `name` (`Timor-Leste/Viqueque`), if geography
    /// knows one.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn municipality_path(&mut self, name: &str) -> Result<Option<String>, StoreError>;

    /// Stores `area` (replacing the area's row of an earlier import, which goes to the
    /// history); true when it changed anything.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn store_area(&mut self, area: &StoredCensusArea, source: &str) -> Result<bool, StoreError>;
}

/// The transaction of the estimation use cases.
pub trait EstimationTx: Transaction {
    /// The writes of a fleet census import.
    fn census(&mut self) -> &mut dyn FleetCensusWrites;
}

/// A month's CPUE of one boat type, from the landings' published monthly summary
/// (`peskaas-2020`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoatTypeCpue {
    /// First day of the month.
    pub month: NaiveDate,
    /// The boat type.
    pub boat_type: FleetBoatType,
    /// kg per fisher-hour.
    pub cpue: f64,
    /// Surveyed landings behind it.
    pub landings: i64,
}

/// What the estimates read, under the caller's scope.
pub trait EstimationQueries: Send + Sync {
    /// The census areas the scope sees.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn census(&self, scope: &AccessScope) -> Result<Vec<StoredCensusArea>, StoreError>;

    /// The national CPUE of each month and boat type (canoe, motor boat), when the scope
    /// sees the nation's summaries; empty otherwise.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn boat_type_cpue(&self, scope: &AccessScope) -> Result<Vec<BoatTypeCpue>, StoreError>;
}

/// A surveyed landing as the Peskas estimate reads it (landings' published
/// `v2_validated_landings`: valid, of a canoe or motor boat).
#[derive(Debug, Clone, PartialEq)]
pub struct EstimationLanding {
    /// The landing site's jurisdiction path.
    pub site_path: String,
    /// First day of the landing's month.
    pub month: NaiveDate,
    /// Catch (kg).
    pub catch_kg: f64,
    /// Value (USD) as the summaries count it, when it has one.
    pub value_usd: Option<f64>,
}

/// A tracked trip as the Peskas estimate reads it (tracking's published
/// `v1_tracked_trips`: valid trips).
#[derive(Debug, Clone, PartialEq)]
pub struct EstimationTrip {
    /// The tracker (IMEI) that recorded it.
    pub device: String,
    /// The landing site's jurisdiction path.
    pub site_path: String,
    /// First day of the trip's month.
    pub month: NaiveDate,
    /// The trip's id.
    pub trip: String,
}

/// What the Peskas estimate reads, under the caller's scope.
pub trait PeskasInputs: Send + Sync {
    /// The valid surveyed landings of canoes and motor boats.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn landings(&self, scope: &AccessScope) -> Result<Vec<EstimationLanding>, StoreError>;

    /// The valid tracked trips with a tracker.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    fn trips(&self, scope: &AccessScope) -> Result<Vec<EstimationTrip>, StoreError>;
}
