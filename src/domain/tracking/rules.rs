//! Track rules: the checks that decide whether a tracked trip can count as a fishing trip
//! in effort figures. Thresholds live in [`TrackRules`] so they are stated once.
//!
//! The duration, distance and speed rules are those of Peskas (WorldFishCenter
//! `peskas.timor.data.pipeline`: thresholds in `inst/config.yml` `validation.pds_trips`,
//! applied by `validate_pds_data()` in `R/validate-pds-trips.R`, the speed share computed
//! by `get_tracks_descriptors()`); the land and duplicate rules are tasi's.
//!
//! A rule whose input is missing does not fire: a trip without a duration (date-only
//! PeskAAS trips) is not checked for duration, one without any speed (no reported speeds,
//! no times) is not checked for speed, and one without positions is not checked for land.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use super::flags::{Severity, TrackFlag, code};
use super::trip::TrackedTrip;
use crate::domain::shared::{LatLon, MultiPolygon};

/// The name under which the [`TrackRules::default`] thresholds are stored with the flags
/// they raise.
pub const PESKAS_TRACKS: &str = "peskas-tracks";

/// Every threshold of the track rules. [`Default`] gives Peskas's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackRules {
    /// Longest plausible trip, hours; longer is an error (96 h: Peskas
    /// `validation.pds_trips.max_trip_hours`, alert 8, "duration > max").
    pub max_duration_hours: f64,
    /// Shortest plausible trip, hours; shorter is an error (0.5 h: Peskas
    /// `min_trip_hours`, alert 8, "duration < min").
    pub min_duration_hours: f64,
    /// Longest plausible distance travelled, metres; longer is an error (200 km: Peskas
    /// `trip_km` × 1000, alert 9, "distance > km × 1000").
    pub max_distance_m: f64,
    /// Highest plausible speed of a small boat, metres per second; a position faster than
    /// this is an outlier (30 m/s ≈ 58 knots: Peskas `get_tracks_descriptors()`,
    /// `Speed (M/S) > 30`).
    pub max_speed_mps: f64,
    /// Highest share (0–1) of positions that may be outliers; more is an error (0.10: Peskas
    /// `outliers` = 10 %, alert 13, "outliers_proportion > outliers"). The share is over the
    /// positions that have a speed.
    pub max_fast_share: f64,
    /// A position inside a land boundary counts as on land only when it lies farther than
    /// this from the boundary's edge, metres (200 m: tasi's allowance for GPS error, the
    /// generalised coastline of municipality boundaries, and boats on the beach).
    pub land_edge_tolerance_m: f64,
    /// Most positions on land a trip may have; more is a warning (0: tasi's). A warning,
    /// not an error, so that effort figures stay those of Peskas, which has no such rule.
    pub max_positions_on_land: usize,
    /// Fewest distinct positions two tracks must share, in the same order, to be duplicates
    /// by their positions (3: tasi's). A boat that never moved (or moved between two fixes,
    /// positions being rounded to 0.002° in PeskAAS) gives the same track on many days
    /// without any copying: in the PeskAAS data 10 of the 45 sets of identical tracks are
    /// one position repeated.
    pub duplicate_min_distinct_positions: usize,
}

impl Default for TrackRules {
    fn default() -> Self {
        TrackRules {
            max_duration_hours: 96.0,
            min_duration_hours: 0.5,
            max_distance_m: 200_000.0,
            max_speed_mps: 30.0,
            max_fast_share: 0.10,
            land_edge_tolerance_m: 200.0,
            max_positions_on_land: 0,
            duplicate_min_distinct_positions: 3,
        }
    }
}

fn num(v: f64) -> String {
    format!("{v}")
}

/// Why a trip is a duplicate of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DuplicateBasis {
    /// Same source and same source trip id (the same record read twice).
    SameSourceTrip,
    /// Same tracker (same IMEI, or same vessel) and the same start instant: one tracker or
    /// one boat cannot start two trips at once. Date-only trips have no start instant and
    /// never match this way.
    SameTrackerAndStart,
    /// The same sequence of positions (equal coordinates, in the same order), with at least
    /// [`TrackRules::duplicate_min_distinct_positions`] distinct ones.
    SamePositions,
}

impl DuplicateBasis {
    /// `same_source_trip`, `same_tracker_start` or `same_positions`.
    pub fn key(self) -> &'static str {
        match self {
            DuplicateBasis::SameSourceTrip => "same_source_trip",
            DuplicateBasis::SameTrackerAndStart => "same_tracker_start",
            DuplicateBasis::SamePositions => "same_positions",
        }
    }
}

/// A trip of a set found to repeat an earlier one of the same set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    /// Index of the duplicate in the slice given.
    pub index: usize,
    /// Index of the earlier trip it repeats (always < `index`).
    pub original: usize,
    /// Why.
    pub basis: DuplicateBasis,
    /// The `track.duplicate` flag (error) for the duplicate.
    pub flag: TrackFlag,
}

/// The index under which `key` was first seen, or `None` after recording `i` for it.
fn first_seen<K: Hash + Eq>(seen: &mut HashMap<K, usize>, key: K, i: usize) -> Option<usize> {
    match seen.get(&key) {
        Some(&first) => Some(first),
        None => {
            seen.insert(key, i);
            None
        }
    }
}

/// Exact coordinates as a hashable key (−0 and +0 alike).
fn bits(p: LatLon) -> (u64, u64) {
    ((p.lat() + 0.0).to_bits(), (p.lon() + 0.0).to_bits())
}

impl TrackRules {
    /// Checks one trip against the duration, distance, speed and land rules, in that order,
    /// and returns the flags it raises (empty when it passes). `land` holds the land
    /// boundaries (municipalities) to test positions against. Duplicates need the whole set:
    /// see [`TrackRules::find_duplicates`].
    pub fn assess(&self, trip: &TrackedTrip, land: &[MultiPolygon]) -> Vec<TrackFlag> {
        let mut flags = Vec::new();

        if let Some(h) = trip.duration_hours() {
            if h > self.max_duration_hours {
                flags.push(TrackFlag::new(
                    code::DURATION_TOO_LONG,
                    Severity::Error,
                    format!(
                        "The trip lasted {h} h, more than {} h.",
                        self.max_duration_hours
                    ),
                    vec![
                        ("duration_hours", num(h)),
                        ("max_duration_hours", num(self.max_duration_hours)),
                    ],
                ));
            } else if h < self.min_duration_hours {
                flags.push(TrackFlag::new(
                    code::DURATION_TOO_SHORT,
                    Severity::Error,
                    format!(
                        "The trip lasted {h} h, less than {} h.",
                        self.min_duration_hours
                    ),
                    vec![
                        ("duration_hours", num(h)),
                        ("min_duration_hours", num(self.min_duration_hours)),
                    ],
                ));
            }
        }

        if let Some(m) = trip.distance_m().filter(|m| *m > self.max_distance_m) {
            let basis = if trip.reported_distance_m().is_some() {
                "reported"
            } else {
                "computed along the positions"
            };
            flags.push(TrackFlag::new(
                code::DISTANCE_TOO_LONG,
                Severity::Error,
                format!(
                    "The trip covered {:.0} m ({basis}), more than {} m.",
                    m, self.max_distance_m
                ),
                vec![
                    ("distance_m", num(m)),
                    ("max_distance_m", num(self.max_distance_m)),
                ],
            ));
        }

        let speeds: Vec<f64> = trip.speeds_mps().into_iter().flatten().collect();
        if !speeds.is_empty() {
            let fast = speeds.iter().filter(|v| **v > self.max_speed_mps).count();
            let share = fast as f64 / speeds.len() as f64;
            if share > self.max_fast_share {
                let top = speeds.iter().copied().fold(0.0, f64::max);
                flags.push(TrackFlag::new(
                    code::TOO_FAST,
                    Severity::Error,
                    format!(
                        "{fast} of {} positions are faster than {} m/s (share {share:.3}, \
                         more than {}).",
                        speeds.len(),
                        self.max_speed_mps,
                        self.max_fast_share
                    ),
                    vec![
                        ("fast_positions", fast.to_string()),
                        ("positions_with_speed", speeds.len().to_string()),
                        ("fast_share", num(share)),
                        ("top_speed_mps", num(top)),
                        ("max_speed_mps", num(self.max_speed_mps)),
                        ("max_fast_share", num(self.max_fast_share)),
                    ],
                ));
            }
        }

        let on_land = self.positions_on_land(trip, land);
        if on_land.len() > self.max_positions_on_land {
            let list = on_land
                .iter()
                .map(|i| (i + 1).to_string())
                .collect::<Vec<_>>()
                .join(" ");
            flags.push(TrackFlag::new(
                code::ON_LAND,
                Severity::Warning,
                format!(
                    "{} of {} positions lie on land, more than {} m inside a boundary \
                     (positions {list}).",
                    on_land.len(),
                    trip.positions().len(),
                    self.land_edge_tolerance_m
                ),
                vec![
                    ("positions_on_land", on_land.len().to_string()),
                    ("positions", list),
                    ("land_edge_tolerance_m", num(self.land_edge_tolerance_m)),
                ],
            ));
        }

        flags
    }

    /// Indexes (from 0) of the trip's positions that lie on land: inside one of the `land`
    /// boundaries and farther than [`TrackRules::land_edge_tolerance_m`] from that
    /// boundary's edge. The edge is the boundary's own, so near a border between two
    /// municipalities a position is never on land.
    pub fn positions_on_land(&self, trip: &TrackedTrip, land: &[MultiPolygon]) -> Vec<usize> {
        trip.positions()
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                land.iter().any(|boundary| {
                    boundary.contains(p.at())
                        && boundary.distance_to_edge_m(p.at()) > self.land_edge_tolerance_m
                })
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The duplicates in a set of trips, in slice order. A trip repeats the first trip of
    /// the slice that shares one of its keys (see [`DuplicateBasis`], checked in that
    /// order): so the earliest of a group is kept as the original and every later one is
    /// flagged. A trip without times, IMEI or enough distinct positions simply has fewer
    /// keys.
    pub fn find_duplicates(&self, trips: &[TrackedTrip]) -> Vec<Duplicate> {
        let mut by_source = HashMap::new();
        let mut by_imei_start = HashMap::new();
        let mut by_vessel_start = HashMap::new();
        let mut by_positions = HashMap::new();
        let mut out = Vec::new();

        for (i, trip) in trips.iter().enumerate() {
            // Every key of every trip is recorded, so that a later trip can match on any.
            let mut matches: Vec<(usize, DuplicateBasis)> = Vec::new();
            if let Some(first) = first_seen(
                &mut by_source,
                (trip.source(), trip.source_trip_id().clone()),
                i,
            ) {
                matches.push((first, DuplicateBasis::SameSourceTrip));
            }
            if let Some(start) = trip.times().start() {
                if let Some(imei) = trip.imei()
                    && let Some(first) = first_seen(&mut by_imei_start, (imei.clone(), start), i)
                {
                    matches.push((first, DuplicateBasis::SameTrackerAndStart));
                }
                if let Some(first) =
                    first_seen(&mut by_vessel_start, (trip.vessel().clone(), start), i)
                {
                    matches.push((first, DuplicateBasis::SameTrackerAndStart));
                }
            }
            let track: Vec<(u64, u64)> = trip.positions().iter().map(|p| bits(p.at())).collect();
            let distinct = track.iter().collect::<HashSet<_>>().len();
            if distinct >= self.duplicate_min_distinct_positions.max(1)
                && let Some(first) = first_seen(&mut by_positions, track, i)
            {
                matches.push((first, DuplicateBasis::SamePositions));
            }

            if let Some(&(original, basis)) = matches.first() {
                let orig = &trips[original];
                let reason = match basis {
                    DuplicateBasis::SameSourceTrip => format!(
                        "Trip {} of {} is read a second time.",
                        trip.source_trip_id(),
                        trip.source()
                    ),
                    DuplicateBasis::SameTrackerAndStart => format!(
                        "Trip {} starts at the same instant, on the same tracker or vessel, \
                         as trip {}.",
                        trip.source_trip_id(),
                        orig.source_trip_id()
                    ),
                    DuplicateBasis::SamePositions => format!(
                        "Trip {} has the same positions as trip {}.",
                        trip.source_trip_id(),
                        orig.source_trip_id()
                    ),
                };
                let flag = TrackFlag::new(
                    code::DUPLICATE,
                    Severity::Error,
                    reason,
                    vec![
                        ("basis", basis.key().to_string()),
                        ("source_trip_id", trip.source_trip_id().to_string()),
                        ("original_source", orig.source().key().to_string()),
                        ("original_source_trip_id", orig.source_trip_id().to_string()),
                    ],
                );
                out.push(Duplicate {
                    index: i,
                    original,
                    basis,
                    flag,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, NaiveDate, Utc};

    use super::*;
    use crate::domain::tracking::fleet::VesselId;
    use crate::domain::tracking::ids::Imei;
    use crate::domain::tracking::trip::tests::{at, draft, ll};
    use crate::domain::tracking::trip::{
        NewTrackedTrip, Position, SourceTripId, TrackSource, TripTimes,
    };

    fn rules() -> TrackRules {
        TrackRules::default()
    }

    fn trip(d: NewTrackedTrip) -> TrackedTrip {
        TrackedTrip::new(d).unwrap_or_else(|e| panic!("{e}"))
    }

    fn codes(flags: &[TrackFlag]) -> Vec<&str> {
        flags.iter().map(|f| f.code.as_str()).collect()
    }

    fn lasting(minutes: i64) -> TrackedTrip {
        let start = at(6, 0);
        let times = TripTimes::timed(start, Some(start + Duration::minutes(minutes)))
            .unwrap_or_else(|e| panic!("{e}"));
        trip(draft(times, vec![]))
    }

    fn reported_hours(h: f64) -> TrackedTrip {
        let mut d = draft(
            TripTimes::timed(at(6, 0), None).unwrap_or_else(|e| panic!("{e}")),
            vec![],
        );
        d.duration_hours = Some(h);
        trip(d)
    }

    #[test]
    fn defaults_are_the_peskas_thresholds() {
        let r = rules();
        assert_eq!(r.max_duration_hours, 96.0);
        assert_eq!(r.min_duration_hours, 0.5);
        assert_eq!(r.max_distance_m, 200_000.0);
        assert_eq!(r.max_speed_mps, 30.0);
        assert_eq!(r.max_fast_share, 0.10);
        assert_eq!(r.land_edge_tolerance_m, 200.0);
    }

    #[test]
    fn a_trip_of_96_hours_passes_and_one_minute_more_is_too_long() {
        assert!(rules().assess(&lasting(96 * 60), &[]).is_empty());
        let flags = rules().assess(&lasting(96 * 60 + 1), &[]);
        assert_eq!(codes(&flags), vec![code::DURATION_TOO_LONG]);
        assert_eq!(flags[0].severity, Severity::Error);
        assert_eq!(flags[0].value("max_duration_hours"), Some("96"));
        assert!(rules().assess(&reported_hours(96.0), &[]).is_empty());
        assert_eq!(
            codes(&rules().assess(&reported_hours(96.001), &[])),
            vec![code::DURATION_TOO_LONG]
        );
    }

    #[test]
    fn a_trip_of_half_an_hour_passes_and_one_minute_less_is_too_short() {
        assert!(rules().assess(&lasting(30), &[]).is_empty());
        let flags = rules().assess(&lasting(29), &[]);
        assert_eq!(codes(&flags), vec![code::DURATION_TOO_SHORT]);
        assert_eq!(flags[0].value("min_duration_hours"), Some("0.5"));
        assert_eq!(
            codes(&rules().assess(&reported_hours(0.0), &[])),
            vec![code::DURATION_TOO_SHORT]
        );
    }

    #[test]
    fn trips_without_a_duration_are_not_checked_for_it() {
        let date = NaiveDate::from_ymd_opt(2018, 2, 10).unwrap_or_default();
        let date_only = trip(draft(TripTimes::date_only(date), vec![]));
        assert!(rules().assess(&date_only, &[]).is_empty());
        let open = trip(draft(
            TripTimes::timed(at(6, 0), None).unwrap_or_else(|e| panic!("{e}")),
            vec![],
        ));
        assert!(rules().assess(&open, &[]).is_empty());
    }

    fn reported_distance(m: f64) -> TrackedTrip {
        let mut d = draft(TripTimes::date_only(NaiveDate::MIN), vec![]);
        d.distance_m = Some(m);
        trip(d)
    }

    #[test]
    fn a_distance_of_200_km_passes_and_a_metre_more_is_too_long() {
        assert!(
            rules()
                .assess(&reported_distance(200_000.0), &[])
                .is_empty()
        );
        let flags = rules().assess(&reported_distance(200_001.0), &[]);
        assert_eq!(codes(&flags), vec![code::DISTANCE_TOO_LONG]);
        assert_eq!(flags[0].value("distance_m"), Some("200001"));
    }

    #[test]
    fn without_a_reported_distance_the_positions_give_it() {
        // Along a meridian, 1.8° ≈ 200.15 km; 1.79° ≈ 199.04 km.
        let along = |deg: f64| {
            trip(draft(
                TripTimes::date_only(NaiveDate::MIN),
                vec![
                    Position::sampled(ll(-8.0, 125.5)),
                    Position::sampled(ll(-8.0 - deg / 2.0, 125.5)),
                    Position::sampled(ll(-8.0 - deg, 125.5)),
                ],
            ))
        };
        assert!(rules().assess(&along(1.79), &[]).is_empty());
        let flags = rules().assess(&along(1.8), &[]);
        assert_eq!(codes(&flags), vec![code::DISTANCE_TOO_LONG]);
        assert!(flags[0].reason.contains("computed"));
    }

    /// A trip of `n` positions with reported speeds, the first `fast` of them at `v` m/s and
    /// the others at 5 m/s.
    fn with_speeds(n: usize, fast: usize, v: f64) -> TrackedTrip {
        let positions = (0..n)
            .map(|i| {
                let speed = if i < fast { v } else { 5.0 };
                Position::new(None, ll(-8.5, 125.5), Some(speed)).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        trip(draft(TripTimes::date_only(NaiveDate::MIN), positions))
    }

    #[test]
    fn ten_percent_of_fast_positions_pass_and_more_is_too_fast() {
        // 1 of 10 = 10 %: not more than the limit.
        assert!(rules().assess(&with_speeds(10, 1, 45.0), &[]).is_empty());
        // 1 of 9 = 11.1 %.
        let flags = rules().assess(&with_speeds(9, 1, 45.0), &[]);
        assert_eq!(codes(&flags), vec![code::TOO_FAST]);
        assert_eq!(flags[0].value("fast_positions"), Some("1"));
        assert_eq!(flags[0].value("positions_with_speed"), Some("9"));
        assert_eq!(flags[0].value("top_speed_mps"), Some("45"));
    }

    #[test]
    fn thirty_metres_a_second_is_not_fast_and_a_hair_more_is() {
        assert!(rules().assess(&with_speeds(5, 5, 30.0), &[]).is_empty());
        assert_eq!(
            codes(&rules().assess(&with_speeds(5, 5, 30.01), &[])),
            vec![code::TOO_FAST]
        );
    }

    #[test]
    fn speeds_computed_from_times_count_and_no_speed_means_no_check() {
        // 0.02° of latitude (≈ 2,224 m) in 60 s ≈ 37 m/s, then slow legs.
        let p = |t: DateTime<Utc>, lat: f64| {
            Position::new(Some(t), ll(lat, 125.5), None).unwrap_or_else(|e| panic!("{e}"))
        };
        let times = TripTimes::timed(at(6, 0), Some(at(8, 0))).unwrap_or_else(|e| panic!("{e}"));
        let fast = trip(draft(
            times,
            vec![
                p(at(6, 0), -8.50),
                p(at(6, 1), -8.52),
                p(at(7, 0), -8.53),
                p(at(8, 0), -8.54),
            ],
        ));
        // 1 of the 3 positions with a speed (the first has none).
        let flags = rules().assess(&fast, &[]);
        assert_eq!(codes(&flags), vec![code::TOO_FAST]);
        assert_eq!(flags[0].value("positions_with_speed"), Some("3"));

        let sampled = trip(draft(
            TripTimes::date_only(NaiveDate::MIN),
            vec![
                Position::sampled(ll(-8.5, 125.5)),
                Position::sampled(ll(-8.6, 125.5)),
            ],
        ));
        assert!(rules().assess(&sampled, &[]).is_empty());
    }

    fn island() -> MultiPolygon {
        // 125.0…126.0 E × 9.0…8.0 S, with a lake (hole) 125.4…125.6 E × 8.6…8.4 S.
        MultiPolygon::from_rings(vec![vec![
            vec![
                (125.0, -9.0),
                (126.0, -9.0),
                (126.0, -8.0),
                (125.0, -8.0),
                (125.0, -9.0),
            ],
            vec![
                (125.4, -8.6),
                (125.4, -8.4),
                (125.6, -8.4),
                (125.6, -8.6),
                (125.4, -8.6),
            ],
        ]])
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn at_positions(points: &[(f64, f64)]) -> TrackedTrip {
        trip(draft(
            TripTimes::date_only(NaiveDate::MIN),
            points
                .iter()
                .map(|&(lat, lon)| Position::sampled(ll(lat, lon)))
                .collect(),
        ))
    }

    #[test]
    fn positions_deep_inside_a_boundary_are_on_land() {
        let land = [island()];
        // 1 m of latitude is 1/111,195 of a degree: 150 m and 250 m north of the south coast.
        let deg_per_m = 1.0 / 111_195.08;
        let within = -9.0 + 150.0 * deg_per_m;
        let beyond = -9.0 + 250.0 * deg_per_m;
        assert!(
            rules()
                .assess(&at_positions(&[(within, 125.2)]), &land)
                .is_empty()
        );
        let flags = rules().assess(&at_positions(&[(beyond, 125.2)]), &land);
        assert_eq!(codes(&flags), vec![code::ON_LAND]);
        assert_eq!(flags[0].severity, Severity::Warning);

        // At sea, in the lake (a hole), and near the lake's shore: not on land.
        let t = at_positions(&[
            (-9.5, 125.5),
            (-8.5, 125.5),
            (-8.4 - 150.0 * deg_per_m, 125.5),
            (-8.2, 125.2),
        ]);
        assert_eq!(rules().positions_on_land(&t, &land), vec![3]);
        let flags = rules().assess(&t, &land);
        assert_eq!(flags[0].value("positions"), Some("4"));
        assert_eq!(flags[0].value("positions_on_land"), Some("1"));
        // No boundaries, no positions: nothing to check.
        assert!(rules().assess(&t, &[]).is_empty());
        assert!(rules().assess(&at_positions(&[]), &land).is_empty());
        // A looser rule allows one position on land.
        let lenient = TrackRules {
            max_positions_on_land: 1,
            ..rules()
        };
        assert!(lenient.assess(&t, &land).is_empty());
    }

    fn pds(
        id: i64,
        imei: Option<&str>,
        vessel: i64,
        start: Option<DateTime<Utc>>,
    ) -> NewTrackedTrip {
        let times = match start {
            Some(s) => {
                TripTimes::timed(s, Some(s + Duration::hours(3))).unwrap_or_else(|e| panic!("{e}"))
            }
            None => TripTimes::date_only(NaiveDate::MIN),
        };
        let mut d = draft(times, vec![]);
        d.source_trip_id = SourceTripId::Number(id);
        d.imei = imei.map(|s| Imei::parse(s).unwrap_or_else(|e| panic!("{e}")));
        d.vessel = VesselId::from(vessel);
        d
    }

    const A: &str = "861508039405006";
    const B: &str = "861508039424650";

    #[test]
    fn the_same_source_trip_read_twice_is_a_duplicate() {
        let trips = [
            trip(pds(1, Some(A), 1, Some(at(6, 0)))),
            trip(pds(2, Some(A), 1, Some(at(12, 0)))),
            trip(pds(1, Some(A), 1, Some(at(6, 0)))),
        ];
        let dups = rules().find_duplicates(&trips);
        assert_eq!(dups.len(), 1);
        assert_eq!((dups[0].index, dups[0].original), (2, 0));
        assert_eq!(dups[0].basis, DuplicateBasis::SameSourceTrip);
        assert_eq!(dups[0].flag.code, code::DUPLICATE);
        assert_eq!(dups[0].flag.severity, Severity::Error);
        // The same id in another source is another trip.
        let mut other = pds(1, Some(B), 2, Some(at(7, 0)));
        other.source = TrackSource::Peskaas;
        assert!(
            rules()
                .find_duplicates(&[trips[0].clone(), trip(other)])
                .is_empty()
        );
    }

    #[test]
    fn the_same_tracker_or_vessel_starting_at_the_same_instant_is_a_duplicate() {
        let trips = [
            trip(pds(1, Some(A), 1, Some(at(6, 0)))),
            trip(pds(2, Some(A), 9, Some(at(6, 0)))), // same IMEI, same start
            trip(pds(3, None, 1, Some(at(6, 0)))),    // same vessel, same start
            trip(pds(4, Some(B), 2, Some(at(6, 0)))), // another boat at the same time
            trip(pds(5, Some(A), 1, Some(at(6, 1)))), // a minute later
        ];
        let dups = rules().find_duplicates(&trips);
        let found: Vec<_> = dups
            .iter()
            .map(|d| (d.index, d.original, d.basis))
            .collect();
        assert_eq!(
            found,
            vec![
                (1, 0, DuplicateBasis::SameTrackerAndStart),
                (2, 0, DuplicateBasis::SameTrackerAndStart),
            ]
        );
        assert_eq!(dups[0].flag.value("original_source_trip_id"), Some("1"));
    }

    #[test]
    fn date_only_trips_of_one_tracker_on_one_day_are_not_duplicates() {
        let trips = [
            trip(pds(1, Some(A), 1, None)),
            trip(pds(2, Some(A), 1, None)),
        ];
        assert!(rules().find_duplicates(&trips).is_empty());
    }

    #[test]
    fn identical_tracks_are_duplicates_unless_the_boat_never_moved() {
        let with = |id: i64, vessel: i64, points: &[(f64, f64)]| {
            let mut d = pds(id, None, vessel, None);
            d.positions = points
                .iter()
                .map(|&(lat, lon)| Position::sampled(ll(lat, lon)))
                .collect();
            trip(d)
        };
        let moving = [(-8.152, 125.64), (-8.15, 125.64), (-8.148, 125.642)];
        let two = [(-8.152, 125.64), (-8.15, 125.64), (-8.152, 125.64)];
        let still = [(-8.186, 125.634); 3];
        let trips = [
            with(1, 2375, &moving),
            with(2, 2335, &moving),
            with(3, 2425, &still),
            with(4, 2421, &still),
            with(5, 2425, &two),
            with(6, 2421, &two),
            with(7, 2335, &[moving[2], moving[1], moving[0]]), // reversed: another track
        ];
        let dups = rules().find_duplicates(&trips);
        let found: Vec<_> = dups
            .iter()
            .map(|d| (d.index, d.original, d.basis))
            .collect();
        assert_eq!(found, vec![(1, 0, DuplicateBasis::SamePositions)]);
        // With the threshold at 2 distinct positions, the two-position tracks match too.
        let looser = TrackRules {
            duplicate_min_distinct_positions: 2,
            ..rules()
        };
        assert_eq!(looser.find_duplicates(&trips).len(), 2);
    }
}
