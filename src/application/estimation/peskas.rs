//! The Peskas estimate per census area and month (`peskas.timor.data.pipeline`,
//! `R/estimate-catch.R`; DOMAIN.md, "Peskas"): mean catch per surveyed landing × trips per
//! boat per month × boats, with bootstrap limits, tracker coverage and thin months marked.
//!
//! The fleet census counts some municipalities together ("Dili (Atauro)"), so the estimate
//! is made per census area: a municipality, or the municipalities its census row covers.
//! Boats are the area's canoes and motor boats (the boat types the landings survey).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::ports::{EstimationQueries, PeskasInputs, StoredCensusArea};
use crate::application::shared::StoreError;
use crate::domain::estimation::peskaas::FleetBoatType;
use crate::domain::estimation::peskas::{
    CoverageGrade, PeskasEstimate, SurveyedCatch, estimate, trips_per_device,
};
use crate::domain::shared::AccessScope;

/// One census area's month.
#[derive(Debug, Clone, PartialEq)]
pub struct PeskasRow {
    /// The census area.
    pub area: String,
    /// First day of the month.
    pub month: NaiveDate,
    /// The estimate.
    pub estimate: PeskasEstimate,
    /// Devices ÷ boats (fraction).
    pub coverage: f64,
    /// Its grade.
    pub grade: Option<CoverageGrade>,
}

/// The municipality path of a site path (its first two levels: country/municipality).
fn municipality_of(site_path: &str) -> String {
    site_path
        .splitn(3, '/')
        .take(2)
        .collect::<Vec<_>>()
        .join("/")
}

fn yyyymm(d: NaiveDate) -> u32 {
    d.year().max(0) as u32 * 100 + d.month()
}

/// The estimate of every census area wholly in the scope, for each month that has surveyed
/// landings and at least one complete device-month of tracked trips.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn peskas_estimate(
    census: &dyn EstimationQueries,
    inputs: &dyn PeskasInputs,
    scope: &AccessScope,
) -> Result<Vec<PeskasRow>, StoreError> {
    // Only areas wholly in the scope: raising a part of an area's landings to the whole
    // area's fleet would give a figure of neither.
    let areas: Vec<StoredCensusArea> = census
        .census(scope)?
        .into_iter()
        .filter(|a| a.jurisdictions.iter().all(|j| scope.covers_str(j)))
        .collect();
    let area_of = |site_path: &str| -> Option<&StoredCensusArea> {
        let m = municipality_of(site_path);
        areas.iter().find(|a| a.jurisdictions.contains(&m))
    };
    let mut landings: BTreeMap<(&str, NaiveDate), Vec<SurveyedCatch>> = BTreeMap::new();
    let landing_rows = inputs.landings(scope)?;
    for l in &landing_rows {
        if let Some(a) = area_of(&l.site_path) {
            landings
                .entry((a.area.area.as_str(), l.month))
                .or_default()
                .push(SurveyedCatch {
                    catch_kg: l.catch_kg,
                    value_usd: l.value_usd,
                });
        }
    }
    let mut trips: BTreeMap<&str, Vec<(String, u32, String)>> = BTreeMap::new();
    let trip_rows = inputs.trips(scope)?;
    for t in &trip_rows {
        if let Some(a) = area_of(&t.site_path) {
            trips.entry(a.area.area.as_str()).or_default().push((
                t.device.clone(),
                yyyymm(t.month),
                t.trip.clone(),
            ));
        }
    }
    let per_device: BTreeMap<&str, BTreeMap<u32, Vec<u32>>> = trips
        .iter()
        .map(|(area, t)| (*area, trips_per_device(t)))
        .collect();
    let mut out = Vec::new();
    for ((area_name, month), catches) in &landings {
        let Some(area) = areas.iter().find(|a| a.area.area == *area_name) else {
            continue;
        };
        let boats = area
            .area
            .boats(FleetBoatType::Canoe)
            .saturating_add(area.area.boats(FleetBoatType::Motor));
        let Some(devices) = per_device
            .get(area_name)
            .and_then(|m| m.get(&yyyymm(*month)))
        else {
            continue;
        };
        if let Some(e) = estimate(catches, devices, boats) {
            let coverage = if boats > 0 {
                e.devices as f64 / f64::from(boats)
            } else {
                0.0
            };
            out.push(PeskasRow {
                area: area_name.to_string(),
                month: *month,
                grade: CoverageGrade::of(e.devices, boats),
                coverage,
                estimate: e,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::municipality_of;

    #[test]
    fn a_site_belongs_to_the_municipality_above_it() {
        assert_eq!(
            municipality_of("Timor-Leste/Atauro/Station 6"),
            "Timor-Leste/Atauro"
        );
        assert_eq!(municipality_of("Timor-Leste/Atauro"), "Timor-Leste/Atauro");
    }
}
