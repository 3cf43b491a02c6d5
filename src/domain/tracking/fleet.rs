//! The tracked fleet: vessels, tracker devices, and the deployments that put a device on a
//! vessel for a period.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ids::Imei;

/// The type of craft (PeskAAS `boat_code`, the code list of the Peskas landings form):
/// 1 canoe, 2 motor boat, 3 shore (no boat). Tracked trips of the PeskAAS data carry 1 or 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BoatType {
    /// A canoe, paddled or sailed: code 1.
    Canoe,
    /// A motor boat: code 2.
    Motor,
    /// Shore fishing, no boat: code 3.
    Shore,
}

/// Why a boat type code is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("boat type code {0} is not one of 1 canoe, 2 motor boat, 3 shore")]
pub struct UnknownBoatType(pub i64);

impl BoatType {
    /// The boat type of a PeskAAS `boat_code`.
    ///
    /// # Errors
    /// [`UnknownBoatType`] for any code but 1, 2, 3.
    pub fn from_code(code: i64) -> Result<Self, UnknownBoatType> {
        match code {
            1 => Ok(BoatType::Canoe),
            2 => Ok(BoatType::Motor),
            3 => Ok(BoatType::Shore),
            _ => Err(UnknownBoatType(code)),
        }
    }

    /// The PeskAAS code.
    pub fn code(self) -> i16 {
        match self {
            BoatType::Canoe => 1,
            BoatType::Motor => 2,
            BoatType::Shore => 3,
        }
    }
}

/// Why a vessel id is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the vessel id is empty")]
pub struct EmptyVesselId;

/// A vessel's id in its source, as text (PeskAAS `boat_id` such as `2415`, PDS `Boat`):
/// trimmed, never empty. Numbers are kept as their decimal text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VesselId(String);

impl VesselId {
    /// The id written as `text`; white space around it is ignored.
    ///
    /// # Errors
    /// [`EmptyVesselId`] when nothing is left.
    pub fn parse(text: &str) -> Result<Self, EmptyVesselId> {
        let t = text.trim();
        if t.is_empty() {
            return Err(EmptyVesselId);
        }
        Ok(VesselId(t.to_string()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<i64> for VesselId {
    fn from(n: i64) -> Self {
        VesselId(n.to_string())
    }
}

impl TryFrom<String> for VesselId {
    type Error = EmptyVesselId;
    fn try_from(text: String) -> Result<Self, EmptyVesselId> {
        VesselId::parse(&text)
    }
}

impl From<VesselId> for String {
    fn from(id: VesselId) -> Self {
        id.0
    }
}

impl fmt::Display for VesselId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A fishing vessel that carries (or carried) a tracker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vessel {
    /// Its id in the source.
    pub id: VesselId,
    /// Its name, when the source gives one (PDS `Boat Name`).
    pub name: Option<String>,
    /// Canoe or motor boat, when known (PeskAAS `boat_code`).
    pub boat_type: Option<BoatType>,
    /// The code of its home landing site (PeskAAS `station_code`), when known.
    pub home_site_code: Option<String>,
}

/// A tracker device: a solar GPS unit of Pelagic Data Systems, known by its IMEI.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Device {
    /// Its IMEI.
    pub imei: Imei,
    /// The source's own id of the device (PDS `Device Id`), when given.
    pub source_device_id: Option<String>,
}

/// Why a deployment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("deployment of {imei}: `to` {to} is before `from` {from}")]
pub struct DeploymentError {
    /// The device.
    pub imei: String,
    /// First day.
    pub from: NaiveDate,
    /// Last day as given.
    pub to: NaiveDate,
}

/// A device installed on a vessel from one day to another (both inclusive), or from one day
/// on with no end yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    imei: Imei,
    vessel: VesselId,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

impl Deployment {
    /// Device `imei` on `vessel` from day `from` to day `to` (inclusive; `None`: still on).
    ///
    /// # Errors
    /// [`DeploymentError`] when `to` is before `from`.
    pub fn new(
        imei: Imei,
        vessel: VesselId,
        from: NaiveDate,
        to: Option<NaiveDate>,
    ) -> Result<Self, DeploymentError> {
        if let Some(to) = to.filter(|to| *to < from) {
            return Err(DeploymentError {
                imei: imei.to_string(),
                from,
                to,
            });
        }
        Ok(Deployment {
            imei,
            vessel,
            from,
            to,
        })
    }

    /// The device.
    pub fn imei(&self) -> &Imei {
        &self.imei
    }

    /// The vessel.
    pub fn vessel(&self) -> &VesselId {
        &self.vessel
    }

    /// First day of the deployment.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// Last day of the deployment; `None` while the device is still installed.
    pub fn to(&self) -> Option<NaiveDate> {
        self.to
    }

    /// True when `date` lies within the deployment: from ≤ date and, when it has ended,
    /// date ≤ to.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

/// The vessel that carried device `imei` on `date`, by the first of `deployments` that
/// covers it; `None` when none does.
pub fn vessel_on<'a>(
    deployments: &'a [Deployment],
    imei: &Imei,
    date: NaiveDate,
) -> Option<&'a VesselId> {
    deployments
        .iter()
        .find(|d| d.imei == *imei && d.covers(date))
        .map(|d| &d.vessel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("date {y}-{m}-{d}"))
    }

    fn imei(s: &str) -> Imei {
        Imei::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn vessel(s: &str) -> VesselId {
        VesselId::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_deployment_covers_its_first_and_last_day_and_nothing_outside() {
        let d = Deployment::new(
            imei("861508039405006"),
            vessel("2335"),
            day(2018, 3, 1),
            Some(day(2018, 11, 30)),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!d.covers(day(2018, 2, 28)));
        assert!(d.covers(day(2018, 3, 1)));
        assert!(d.covers(day(2018, 7, 15)));
        assert!(d.covers(day(2018, 11, 30)));
        assert!(!d.covers(day(2018, 12, 1)));

        let open = Deployment::new(
            imei("861508039405006"),
            vessel("2366"),
            day(2018, 12, 1),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(open.covers(day(2030, 1, 1)));
        assert!(!open.covers(day(2018, 11, 30)));

        let one_day = Deployment::new(
            imei("861508039405006"),
            vessel("2335"),
            day(2018, 3, 1),
            Some(day(2018, 3, 1)),
        );
        assert!(one_day.is_ok_and(|d| d.covers(day(2018, 3, 1))));
    }

    #[test]
    fn a_deployment_cannot_end_before_it_starts() {
        let err = Deployment::new(
            imei("861508039405006"),
            vessel("2335"),
            day(2018, 3, 1),
            Some(day(2018, 2, 28)),
        );
        assert_eq!(
            err,
            Err(DeploymentError {
                imei: "861508039405006".into(),
                from: day(2018, 3, 1),
                to: day(2018, 2, 28),
            })
        );
    }

    #[test]
    fn the_vessel_of_a_device_on_a_day_follows_its_deployments() {
        let tracker = imei("861508039405006");
        let deployments = [
            Deployment::new(
                tracker.clone(),
                vessel("2335"),
                day(2018, 3, 1),
                Some(day(2018, 11, 30)),
            ),
            Deployment::new(tracker.clone(), vessel("2366"), day(2018, 12, 1), None),
        ]
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            vessel_on(&deployments, &tracker, day(2018, 6, 1)).map(VesselId::as_str),
            Some("2335")
        );
        assert_eq!(
            vessel_on(&deployments, &tracker, day(2019, 6, 1)).map(VesselId::as_str),
            Some("2366")
        );
        assert_eq!(vessel_on(&deployments, &tracker, day(2018, 1, 1)), None);
        assert_eq!(
            vessel_on(&deployments, &imei("861508039424650"), day(2018, 6, 1)),
            None
        );
    }

    #[test]
    fn vessel_ids_and_boat_types_come_from_source_text_and_codes() {
        assert_eq!(
            VesselId::parse(" 2415 ").map(String::from),
            Ok("2415".to_string())
        );
        assert_eq!(VesselId::from(2415).as_str(), "2415");
        assert_eq!(VesselId::parse("  "), Err(EmptyVesselId));
        for b in [BoatType::Canoe, BoatType::Motor, BoatType::Shore] {
            assert_eq!(BoatType::from_code(i64::from(b.code())), Ok(b));
        }
        assert_eq!(BoatType::from_code(4), Err(UnknownBoatType(4)));
    }
}
