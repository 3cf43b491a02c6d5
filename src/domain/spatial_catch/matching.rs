//! Matching surveyed landings to tracked trips: on the tracker's IMEI and the landing date,
//! one landing and one trip per device and day.
//!
//! Sources:
//! - Peskas `merge_trips()` (WorldFishCenter/peskas.timor.data.pipeline, `R/merge-trips.R`):
//!   landings and tracked trips are grouped by (`landing_date`, `tracker_imei`) and joined
//!   only where each side has exactly one row ("otherwise we cannot guarantee that the landing
//!   corresponds to a trip"); the tracked trip's landing date is the date it ended.
//! - PeskAAS (shaunpwilkinson/peskAAS, daily script `peskaPARSE.R`) linked a PDS trip to the
//!   survey with the same last 7 IMEI digits and date, and unlinked a survey that pointed to
//!   several PDS trips; where several surveys shared a device and day it took the first.
//!   tasi follows the stricter Peskas rule on both sides. On the PeskAAS data set it makes
//!   1,226 matches and finds 939 of the source's 968 links (precision 0.77, recall 0.97); the
//!   29 it misses are days with two or three tracked trips (24) or two landings (5) for the
//!   device. None of the 287 others is linked by the source on either side, probably
//!   because PeskAAS linked each day's new PDS trips only to the surveys already uploaded.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::imei::{DeployedDevices, Imei, ImeiMatch, ImeiResolution};
use crate::domain::shared::{Kilograms, LatLon, Period};

/// A surveyed landing as spatial catch reads it from the landings context's published view
/// (`landings.v1_…`), after the rule set: the values its summaries use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandingForMatch {
    /// The landing's id in tasi.
    pub landing_id: Uuid,
    /// The landing's id in its source (PeskAAS `trips.csv` `trip_id`).
    pub source_id: i64,
    /// Landing date.
    pub date: NaiveDate,
    /// The tracker IMEI as the enumerator wrote it (PeskAAS: the last 7 digits, `0000000`
    /// for none); resolved by [`DeployedDevices::resolve`].
    pub imei: Option<String>,
    /// The municipality of the landing site, `None` when unknown.
    pub municipality: Option<String>,
    /// Gear code (PeskAAS `gear_code`: 1 gill net … 9 trap).
    pub gear_code: Option<i16>,
    /// Habitat code (PeskAAS `habitat_code`, as the landings context publishes it).
    pub habitat_code: Option<i16>,
    /// Catch of the landing; `None` when the rule set excludes the landing from figures.
    pub catch: Option<Kilograms>,
    /// Effort in fisher-hours (fishers × hours at sea, after the rule set's repairs); `None`
    /// when unknown or excluded. Negative or non-finite values are ignored.
    pub effort_fisher_hours: Option<f64>,
}

/// A tracked trip as spatial catch reads it from the tracking context's published view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TripForMatch {
    /// The trip's id in tasi.
    pub trip_id: Uuid,
    /// The trip's id in its source (PDS `Trip`, PeskAAS `PDS_trip`).
    pub source_id: i64,
    /// The trip's landing date: the date it ended, in local time (Peskas `merge_trips()`).
    pub date: NaiveDate,
    /// The tracker's full IMEI (15 digits); `None` or anything else means no known device.
    pub imei: Option<String>,
    /// The municipality of the trip's boat or landing site, `None` when unknown.
    pub municipality: Option<String>,
    /// Boat code of the tracked boat (PeskAAS `boat_code`: 1 canoe, 2 motor boat).
    pub boat_code: Option<i16>,
    /// Positions along the trip, in time order (PeskAAS: 10 sampled positions).
    pub positions: Vec<LatLon>,
}

impl TripForMatch {
    /// The trip's device, when its IMEI is a full IMEI.
    pub fn device(&self) -> Option<Imei> {
        self.imei.as_deref().and_then(|t| Imei::parse(t).ok())
    }
}

impl DeployedDevices {
    /// The devices that recorded `trips`: every trip's full IMEI (Peskas uses the device
    /// registry; the PeskAAS data has none, and a device that never recorded a trip cannot
    /// match one anyway).
    pub fn from_trips(trips: &[TripForMatch]) -> Self {
        DeployedDevices::new(trips.iter().filter_map(TripForMatch::device))
    }
}

/// One landing matched to one tracked trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The landing.
    pub landing_id: Uuid,
    /// The landing's source id.
    pub landing_source_id: i64,
    /// The tracked trip.
    pub trip_id: Uuid,
    /// The trip's source id.
    pub trip_source_id: i64,
    /// The device both were recorded with.
    pub imei: Imei,
    /// The landing date, which is the trip's date.
    pub date: NaiveDate,
    /// Whether the landing gave the device's full IMEI or a suffix of it.
    pub via: ImeiMatch,
}

/// What became of one landing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LandingOutcome {
    /// Matched to this trip.
    Matched {
        /// The trip.
        trip_id: Uuid,
    },
    /// The IMEI written on the landing does not resolve to one device; the resolution says
    /// why ([`ImeiResolution::None`], `Unreadable`, `TooShort`, `Unknown`, `Ambiguous`).
    Imei(ImeiResolution),
    /// The device recorded no trip that day.
    NoTripThatDay,
    /// Several landings name the device that day: none of them can be told apart.
    SeveralLandingsThatDay {
        /// Landings of the device that day.
        landings: u32,
    },
    /// One landing, but the device recorded several trips that day.
    SeveralTripsThatDay {
        /// Trips of the device that day.
        trips: u32,
    },
}

impl LandingOutcome {
    /// `matched`, the IMEI flag (`imei.none`, `imei.unreadable`, `imei.too_short`,
    /// `imei.unknown`, `imei.ambiguous`), `no_trip_that_day`, `several_landings_that_day`
    /// or `several_trips_that_day`.
    pub fn key(&self) -> &'static str {
        match self {
            LandingOutcome::Matched { .. } => "matched",
            LandingOutcome::Imei(r) => r.key(),
            LandingOutcome::NoTripThatDay => "no_trip_that_day",
            LandingOutcome::SeveralLandingsThatDay { .. } => "several_landings_that_day",
            LandingOutcome::SeveralTripsThatDay { .. } => "several_trips_that_day",
        }
    }
}

/// What became of one tracked trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TripOutcome {
    /// Matched to this landing.
    Matched {
        /// The landing.
        landing_id: Uuid,
    },
    /// The trip has no full IMEI: it cannot be matched.
    NoDevice,
    /// No landing resolves to the device that day.
    NoLandingThatDay,
    /// The device recorded several trips that day.
    SeveralTripsThatDay {
        /// Trips of the device that day.
        trips: u32,
    },
    /// One trip, but several landings name the device that day.
    SeveralLandingsThatDay {
        /// Landings of the device that day.
        landings: u32,
    },
}

impl TripOutcome {
    /// `matched`, `no_device`, `no_landing_that_day`, `several_trips_that_day` or
    /// `several_landings_that_day`.
    pub fn key(&self) -> &'static str {
        match self {
            TripOutcome::Matched { .. } => "matched",
            TripOutcome::NoDevice => "no_device",
            TripOutcome::NoLandingThatDay => "no_landing_that_day",
            TripOutcome::SeveralTripsThatDay { .. } => "several_trips_that_day",
            TripOutcome::SeveralLandingsThatDay { .. } => "several_landings_that_day",
        }
    }
}

/// The result of matching for one landing, in the order the landings were given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandingResult {
    /// The landing.
    pub landing_id: Uuid,
    /// The landing's source id.
    pub source_id: i64,
    /// The month of the landing date.
    pub month: Period,
    /// The landing's municipality.
    pub municipality: Option<String>,
    /// True when the landing reports a tracker IMEI (anything but none or zeros).
    pub reports_tracker: bool,
    /// The device the IMEI resolved to, if one.
    pub device: Option<Imei>,
    /// What became of it.
    pub outcome: LandingOutcome,
}

/// The result of matching for one tracked trip, in the order the trips were given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TripResult {
    /// The trip.
    pub trip_id: Uuid,
    /// The trip's source id.
    pub source_id: i64,
    /// The month of the trip's date.
    pub month: Period,
    /// The trip's municipality.
    pub municipality: Option<String>,
    /// What became of it.
    pub outcome: TripOutcome,
}

/// Everything [`match_landings`] found.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MatchReport {
    /// The matches, in the order of the landings.
    pub matches: Vec<Match>,
    /// One result per landing, in input order.
    pub landings: Vec<LandingResult>,
    /// One result per trip, in input order.
    pub trips: Vec<TripResult>,
}

/// Match rates of one month and municipality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchRate {
    /// The month.
    pub month: Period,
    /// The municipality (of the landing for landing counts, of the trip for trip counts);
    /// `None` when unknown.
    pub municipality: Option<String>,
    /// Landings that report a tracker IMEI.
    pub landings_with_tracker: u32,
    /// Of those, landings matched to a trip.
    pub landings_matched: u32,
    /// `landings_matched ÷ landings_with_tracker`; `None` when no landing reports one.
    pub landing_rate: Option<f64>,
    /// Tracked trips.
    pub trips: u32,
    /// Of those, trips matched to a landing.
    pub trips_matched: u32,
    /// `trips_matched ÷ trips`; `None` when there is no trip.
    pub trip_rate: Option<f64>,
}

fn ratio(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

impl MatchReport {
    /// Match rates by month and municipality, ordered by month then municipality (unknown
    /// first): landings with a tracker IMEI that matched ÷ landings with a tracker IMEI, and
    /// trips matched ÷ trips. Summing the counts over municipalities gives national rates.
    pub fn rates(&self) -> Vec<MatchRate> {
        // (landings with tracker, matched, trips, matched)
        let mut acc: BTreeMap<(Period, Option<&str>), [u32; 4]> = BTreeMap::new();
        for l in &self.landings {
            if l.reports_tracker {
                let a = acc.entry((l.month, l.municipality.as_deref())).or_default();
                a[0] += 1;
                if matches!(l.outcome, LandingOutcome::Matched { .. }) {
                    a[1] += 1;
                }
            }
        }
        for t in &self.trips {
            let a = acc.entry((t.month, t.municipality.as_deref())).or_default();
            a[2] += 1;
            if matches!(t.outcome, TripOutcome::Matched { .. }) {
                a[3] += 1;
            }
        }
        acc.into_iter()
            .map(|((month, municipality), [lt, lm, t, tm])| MatchRate {
                month,
                municipality: municipality.map(str::to_string),
                landings_with_tracker: lt,
                landings_matched: lm,
                landing_rate: ratio(lm, lt),
                trips: t,
                trips_matched: tm,
                trip_rate: ratio(tm, t),
            })
            .collect()
    }

    /// How many landings got each outcome, by [`LandingOutcome::key`].
    pub fn landing_outcome_counts(&self) -> BTreeMap<&'static str, u32> {
        let mut counts = BTreeMap::new();
        for l in &self.landings {
            *counts.entry(l.outcome.key()).or_insert(0) += 1;
        }
        counts
    }
}

/// The landings and trips (by index) of one device on one day.
type DayGroup = (Vec<usize>, Vec<usize>);

/// Matches `landings` to `trips`, with the deployed devices taken from the trips
/// ([`DeployedDevices::from_trips`]). See [`match_landings_with`].
pub fn match_landings(landings: &[LandingForMatch], trips: &[TripForMatch]) -> MatchReport {
    match_landings_with(&DeployedDevices::from_trips(trips), landings, trips)
}

/// Matches `landings` to `trips` on the device and the date.
///
/// 1. Each landing's written IMEI is resolved to a device ([`DeployedDevices::resolve`]);
///    one that does not resolve gets [`LandingOutcome::Imei`].
/// 2. Landings and trips are grouped by (device, date). A landing and a trip match when
///    their group holds exactly one landing and exactly one trip (Peskas `merge_trips()`).
/// 3. Otherwise: several landings in the group → `several_landings_that_day` for each of
///    them (whatever the trips), else several trips → `several_trips_that_day`, else no
///    trip → `no_trip_that_day`. Trips: several trips → `several_trips_that_day`, else
///    several landings → `several_landings_that_day`, else `no_landing_that_day`; a trip
///    without a full IMEI → `no_device`.
pub fn match_landings_with(
    devices: &DeployedDevices,
    landings: &[LandingForMatch],
    trips: &[TripForMatch],
) -> MatchReport {
    let resolutions: Vec<ImeiResolution> = landings
        .iter()
        .map(|l| devices.resolve(l.imei.as_deref()))
        .collect();
    let trip_devices: Vec<Option<Imei>> = trips.iter().map(TripForMatch::device).collect();

    let mut groups: HashMap<(&str, NaiveDate), DayGroup> = HashMap::new();
    for (i, (l, r)) in landings.iter().zip(&resolutions).enumerate() {
        if let Some(imei) = r.device() {
            groups.entry((imei.as_str(), l.date)).or_default().0.push(i);
        }
    }
    for (j, (t, d)) in trips.iter().zip(&trip_devices).enumerate() {
        if let Some(imei) = d {
            groups.entry((imei.as_str(), t.date)).or_default().1.push(j);
        }
    }

    let mut matches = Vec::new();
    let mut landing_results = Vec::with_capacity(landings.len());
    for (l, r) in landings.iter().zip(&resolutions) {
        let outcome = match r {
            ImeiResolution::Device { imei, via } => match groups.get(&(imei.as_str(), l.date)) {
                Some((ls, ts)) => match (ls.len(), ts.as_slice()) {
                    (1, [j]) => {
                        let t = &trips[*j];
                        matches.push(Match {
                            landing_id: l.landing_id,
                            landing_source_id: l.source_id,
                            trip_id: t.trip_id,
                            trip_source_id: t.source_id,
                            imei: imei.clone(),
                            date: l.date,
                            via: *via,
                        });
                        LandingOutcome::Matched { trip_id: t.trip_id }
                    }
                    (n, _) if n > 1 => {
                        LandingOutcome::SeveralLandingsThatDay { landings: n as u32 }
                    }
                    (_, []) => LandingOutcome::NoTripThatDay,
                    (_, ts) => LandingOutcome::SeveralTripsThatDay {
                        trips: ts.len() as u32,
                    },
                },
                // Every resolved landing was grouped above, so this cannot happen; kept total
                // rather than panicking.
                None => LandingOutcome::NoTripThatDay,
            },
            unresolved => LandingOutcome::Imei(unresolved.clone()),
        };
        landing_results.push(LandingResult {
            landing_id: l.landing_id,
            source_id: l.source_id,
            month: Period::of(l.date),
            municipality: l.municipality.clone(),
            reports_tracker: r.reports_tracker(),
            device: r.device().cloned(),
            outcome,
        });
    }

    let trip_results = trips
        .iter()
        .zip(&trip_devices)
        .map(|(t, d)| {
            let outcome = match d.as_ref().and_then(|d| groups.get(&(d.as_str(), t.date))) {
                None => TripOutcome::NoDevice,
                Some((_, ts)) if ts.len() > 1 => TripOutcome::SeveralTripsThatDay {
                    trips: ts.len() as u32,
                },
                Some((ls, _)) => match ls.as_slice() {
                    [] => TripOutcome::NoLandingThatDay,
                    [i] => TripOutcome::Matched {
                        landing_id: landings[*i].landing_id,
                    },
                    many => TripOutcome::SeveralLandingsThatDay {
                        landings: many.len() as u32,
                    },
                },
            };
            TripResult {
                trip_id: t.trip_id,
                source_id: t.source_id,
                month: Period::of(t.date),
                municipality: t.municipality.clone(),
                outcome,
            }
        })
        .collect();

    MatchReport {
        matches,
        landings: landing_results,
        trips: trip_results,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The position (`lat`, `lon`); panics when it is not a WGS84 position.
    pub(crate) fn ll(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap_or_else(|e| panic!("{e}"))
    }

    pub(crate) fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2018, 5, d).unwrap_or_default()
    }

    pub(crate) fn landing(source_id: i64, date: NaiveDate, imei: &str) -> LandingForMatch {
        LandingForMatch {
            landing_id: Uuid::now_v7(),
            source_id,
            date,
            imei: Some(imei.into()),
            municipality: Some("Atauro".into()),
            gear_code: Some(1),
            habitat_code: Some(1),
            catch: Kilograms::new(10.0).ok(),
            effort_fisher_hours: Some(4.0),
        }
    }

    pub(crate) fn trip(source_id: i64, date: NaiveDate, imei: &str) -> TripForMatch {
        TripForMatch {
            trip_id: Uuid::now_v7(),
            source_id,
            date,
            imei: Some(imei.into()),
            municipality: Some("Atauro".into()),
            boat_code: Some(1),
            positions: vec![ll(-8.25, 125.55)],
        }
    }

    const A: &str = "863835026738521";
    const B: &str = "861508039395645";

    fn keys(report: &MatchReport) -> (Vec<&'static str>, Vec<&'static str>) {
        (
            report.landings.iter().map(|l| l.outcome.key()).collect(),
            report.trips.iter().map(|t| t.outcome.key()).collect(),
        )
    }

    #[test]
    fn one_landing_and_one_trip_of_a_device_on_a_day_match() {
        let landings = [landing(1, day(2), "6738521"), landing(2, day(2), B)];
        let trips = [
            trip(10, day(2), A),
            trip(11, day(2), B),
            trip(12, day(3), A),
        ];
        let report = match_landings(&landings, &trips);
        assert_eq!(report.matches.len(), 2);
        let m = &report.matches[0];
        assert_eq!((m.landing_source_id, m.trip_source_id), (1, 10));
        assert_eq!((m.imei.as_str(), m.via), (A, ImeiMatch::Suffix));
        assert_eq!(report.matches[1].via, ImeiMatch::Full);
        assert_eq!(
            report.landings[0].outcome,
            LandingOutcome::Matched {
                trip_id: trips[0].trip_id
            }
        );
        assert_eq!(
            keys(&report).1,
            ["matched", "matched", "no_landing_that_day"]
        );
    }

    #[test]
    fn two_landings_of_a_device_on_a_day_match_nothing() {
        let landings = [
            landing(1, day(2), "6738521"),
            landing(2, day(2), A),
            landing(3, day(4), A),
        ];
        let trips = [trip(10, day(2), A)];
        let report = match_landings(&landings, &trips);
        assert!(report.matches.is_empty());
        assert_eq!(
            report.landings[0].outcome,
            LandingOutcome::SeveralLandingsThatDay { landings: 2 }
        );
        assert_eq!(
            keys(&report),
            (
                vec![
                    "several_landings_that_day",
                    "several_landings_that_day",
                    "no_trip_that_day"
                ],
                vec!["several_landings_that_day"]
            )
        );
    }

    #[test]
    fn two_trips_of_a_device_on_a_day_match_nothing() {
        let landings = [landing(1, day(2), A)];
        let trips = [trip(10, day(2), A), trip(11, day(2), A)];
        let report = match_landings(&landings, &trips);
        assert!(report.matches.is_empty());
        assert_eq!(
            report.landings[0].outcome,
            LandingOutcome::SeveralTripsThatDay { trips: 2 }
        );
        assert_eq!(
            report.trips[1].outcome,
            TripOutcome::SeveralTripsThatDay { trips: 2 }
        );
    }

    #[test]
    fn zero_imeis_and_unresolved_imeis_are_not_matched_and_say_why() {
        let landings = [
            landing(1, day(2), "0000000"),
            landing(2, day(2), "7777777"),
            landing(3, day(2), "21"),
        ];
        let mut no_imei = landing(4, day(2), "");
        no_imei.imei = None;
        let landings = [&landings[..], &[no_imei]].concat();
        let mut no_device = trip(11, day(2), "not an imei");
        no_device.imei = Some("123".into());
        let trips = [trip(10, day(2), A), no_device];
        let report = match_landings(&landings, &trips);
        assert!(report.matches.is_empty());
        assert_eq!(
            keys(&report),
            (
                vec!["imei.none", "imei.unknown", "imei.too_short", "imei.none"],
                vec!["no_landing_that_day", "no_device"]
            )
        );
        assert_eq!(
            report
                .landings
                .iter()
                .map(|l| l.reports_tracker)
                .collect::<Vec<_>>(),
            [false, true, true, false]
        );
    }

    #[test]
    fn an_ambiguous_suffix_is_flagged_and_not_matched() {
        let c = "862222239395645";
        let report = match_landings(
            &[landing(1, day(2), "9395645")],
            &[trip(10, day(2), B), trip(11, day(2), c)],
        );
        assert!(report.matches.is_empty());
        assert_eq!(
            report.landings[0].outcome,
            LandingOutcome::Imei(ImeiResolution::Ambiguous { devices: 2 })
        );
    }

    #[test]
    fn rates_divide_matched_by_landings_with_a_tracker_and_by_trips() {
        let mut other_month = landing(
            5,
            NaiveDate::from_ymd_opt(2018, 6, 1).unwrap_or_default(),
            A,
        );
        other_month.municipality = None;
        let landings = [
            landing(1, day(2), A),         // matched
            landing(2, day(3), A),         // no trip that day
            landing(3, day(2), "0000000"), // no tracker: not counted
            landing(4, day(2), "7777777"), // tracker, unknown
            other_month,
        ];
        let trips = [trip(10, day(2), A), trip(11, day(9), A)];
        let report = match_landings(&landings, &trips);
        let rates = report.rates();
        assert_eq!(rates.len(), 2);
        let may = &rates[0];
        assert_eq!(may.month.to_string(), "2018-05");
        assert_eq!(may.municipality.as_deref(), Some("Atauro"));
        assert_eq!((may.landings_with_tracker, may.landings_matched), (3, 1));
        assert_eq!(may.landing_rate, Some(1.0 / 3.0));
        assert_eq!(
            (may.trips, may.trips_matched, may.trip_rate),
            (2, 1, Some(0.5))
        );
        let june = &rates[1];
        assert_eq!(june.municipality, None);
        assert_eq!((june.landing_rate, june.trip_rate), (Some(0.0), None));
        assert_eq!(report.landing_outcome_counts().get("matched"), Some(&1));
    }
}
