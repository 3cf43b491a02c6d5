//! The PeskAAS national catch estimate by month (DOMAIN.md, "PeskAAS national catch").

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::ports::EstimationQueries;
use crate::application::shared::StoreError;
use crate::domain::estimation::peskaas::{
    BoatTypeCatch, FleetBoatType, boat_type_catch, national_catch,
};
use crate::domain::shared::AccessScope;

/// One month of the estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct PeskaasMonth {
    /// First day of the month.
    pub month: NaiveDate,
    /// Each boat type with a CPUE that month.
    pub parts: Vec<BoatTypeCatch>,
    /// The national catch (tonnes): the parts' sum.
    pub catch_t: f64,
    /// Boat types without surveyed landings that month (their catch is missing from the
    /// national figure, not zero).
    pub missing: Vec<FleetBoatType>,
}

/// The estimate of every month with a national summary, from the fleet census the scope
/// sees. Empty when the scope sees no national summary (a scope below the nation) or no
/// census.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn peskaas_estimate(
    queries: &dyn EstimationQueries,
    scope: &AccessScope,
) -> Result<Vec<PeskaasMonth>, StoreError> {
    let census = queries.census(scope)?;
    if census.is_empty() {
        return Ok(Vec::new());
    }
    let boats = |t: FleetBoatType| -> u32 {
        census
            .iter()
            .map(|a| a.area.boats(t))
            .fold(0u32, u32::saturating_add)
    };
    let mut by_month: BTreeMap<NaiveDate, BTreeMap<FleetBoatType, f64>> = BTreeMap::new();
    for c in queries.boat_type_cpue(scope)? {
        by_month
            .entry(c.month)
            .or_default()
            .insert(c.boat_type, c.cpue);
    }
    Ok(by_month
        .into_iter()
        .map(|(month, cpues)| {
            let parts: Vec<BoatTypeCatch> = cpues
                .iter()
                .map(|(&t, &cpue)| boat_type_catch(t, cpue, boats(t)))
                .collect();
            PeskaasMonth {
                month,
                catch_t: national_catch(&parts),
                missing: FleetBoatType::ALL
                    .into_iter()
                    .filter(|t| !cpues.contains_key(t))
                    .collect(),
                parts,
            }
        })
        .collect())
}
