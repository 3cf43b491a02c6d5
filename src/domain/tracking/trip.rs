//! The `TrackedTrip` aggregate: one trip recorded by a GPS tracker on a boat, with its
//! positions, as the source reported it. The rules ([`super::rules`]) decide what it means.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::fleet::VesselId;
use super::ids::Imei;
use crate::domain::shared::LatLon;
use crate::domain::shared::geo::path_length_m;

/// Why a position is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("speed {0} m/s is not a finite, non-negative number")]
pub struct PositionError(pub f64);

/// One position of a track: where, when (if the source says) and how fast (if the source
/// says, metres per second: PDS points `Speed (M/S)`).
///
/// PeskAAS tracked trips have ten positions sampled along the trip without times or speeds
/// (`lat1…lat10`, `lng1…lng10`); PDS points have both.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Position {
    time: Option<DateTime<Utc>>,
    at: LatLon,
    speed_mps: Option<f64>,
}

impl Position {
    /// A position `at` a place, at `time`, moving at `speed_mps` metres per second.
    ///
    /// # Errors
    /// [`PositionError`] when the speed is negative, NaN or infinite.
    pub fn new(
        time: Option<DateTime<Utc>>,
        at: LatLon,
        speed_mps: Option<f64>,
    ) -> Result<Self, PositionError> {
        if let Some(v) = speed_mps.filter(|v| !v.is_finite() || *v < 0.0) {
            return Err(PositionError(v));
        }
        Ok(Position {
            time,
            at,
            speed_mps,
        })
    }

    /// A position with neither time nor speed (a PeskAAS sampled position).
    pub fn sampled(at: LatLon) -> Self {
        Position {
            time: None,
            at,
            speed_mps: None,
        }
    }

    /// When the tracker recorded it, UTC.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        self.time
    }

    /// Where.
    pub fn at(&self) -> LatLon {
        self.at
    }

    /// Speed reported by the tracker, metres per second.
    pub fn speed_mps(&self) -> Option<f64> {
        self.speed_mps
    }
}

/// When a trip happened, as far as the source says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TripTimes {
    /// Only the day (PeskAAS `tracked_trips.date`): no duration can be computed.
    Date(NaiveDate),
    /// Start and, once ended, end instants (PDS `Started`, `Ended`); end ≥ start.
    Timed {
        /// Start, UTC.
        start: DateTime<Utc>,
        /// End, UTC; `None` when the source has none.
        end: Option<DateTime<Utc>>,
    },
}

impl TripTimes {
    /// A trip known by its day only.
    pub fn date_only(date: NaiveDate) -> Self {
        TripTimes::Date(date)
    }

    /// A trip from `start` to `end`.
    ///
    /// # Errors
    /// [`TrackedTripError::EndBeforeStart`] when `end` is before `start`.
    pub fn timed(
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
    ) -> Result<Self, TrackedTripError> {
        if let Some(end) = end.filter(|end| *end < start) {
            return Err(TrackedTripError::EndBeforeStart { start, end });
        }
        Ok(TripTimes::Timed { start, end })
    }

    /// The start instant, when known.
    pub fn start(&self) -> Option<DateTime<Utc>> {
        match self {
            TripTimes::Date(_) => None,
            TripTimes::Timed { start, .. } => Some(*start),
        }
    }

    /// The end instant, when known.
    pub fn end(&self) -> Option<DateTime<Utc>> {
        match self {
            TripTimes::Date(_) => None,
            TripTimes::Timed { end, .. } => *end,
        }
    }

    /// The day of the trip: the source's date, or the UTC date of the start.
    pub fn date(&self) -> NaiveDate {
        match self {
            TripTimes::Date(d) => *d,
            TripTimes::Timed { start, .. } => start.date_naive(),
        }
    }

    /// The day of the trip at a UTC offset (Timor-Leste is UTC+09:00, without daylight
    /// saving): the source's date as given, or the local date of the start.
    pub fn local_date(&self, offset: FixedOffset) -> NaiveDate {
        match self {
            TripTimes::Date(d) => *d,
            TripTimes::Timed { start, .. } => start.with_timezone(&offset).date_naive(),
        }
    }

    /// The landing date at a UTC offset: the day the trip ended there (the start's day while
    /// it has no end), or the source's date as given. Peskas matches a tracked trip to the
    /// surveyed landing of the day it ended (`merge_trips()` in WorldFishCenter
    /// `peskas.timor.data.pipeline`, `R/merge-trips.R`).
    pub fn landing_date(&self, offset: FixedOffset) -> NaiveDate {
        match self {
            TripTimes::Date(d) => *d,
            TripTimes::Timed { start, end } => {
                end.unwrap_or(*start).with_timezone(&offset).date_naive()
            }
        }
    }

    /// Hours from start to end; `None` unless both are known.
    pub fn duration_hours(&self) -> Option<f64> {
        let (start, end) = (self.start()?, self.end()?);
        Some((end - start).num_milliseconds() as f64 / 3_600_000.0)
    }
}

/// The source a tracked trip was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TrackSource {
    /// PeskAAS `tracked_trips.csv` (ten sampled positions, a date, no times).
    Peskaas,
    /// A Pelagic Data Systems export (trips CSV and points CSV).
    Pds,
}

impl TrackSource {
    /// `peskaas` or `pds`, as stored.
    pub fn key(self) -> &'static str {
        match self {
            TrackSource::Peskaas => "peskaas",
            TrackSource::Pds => "pds",
        }
    }

    /// Parses a stored key.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "peskaas" => Some(TrackSource::Peskaas),
            "pds" => Some(TrackSource::Pds),
            _ => None,
        }
    }
}

impl fmt::Display for TrackSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The trip's id in its source (PeskAAS `PDS_trip`, PDS `Trip`): a number when it reads as
/// one, else the text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SourceTripId {
    /// A whole number, e.g. `274571`.
    Number(i64),
    /// Any other non-empty text.
    Text(String),
}

impl SourceTripId {
    /// The id written as `text` (trimmed): a number when it parses as an `i64`.
    ///
    /// # Errors
    /// [`TrackedTripError::EmptySourceTripId`] when nothing is left.
    pub fn parse(text: &str) -> Result<Self, TrackedTripError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(TrackedTripError::EmptySourceTripId);
        }
        Ok(t.parse::<i64>()
            .map(SourceTripId::Number)
            .unwrap_or_else(|_| SourceTripId::Text(t.to_string())))
    }
}

impl fmt::Display for SourceTripId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceTripId::Number(n) => write!(f, "{n}"),
            SourceTripId::Text(t) => f.write_str(t),
        }
    }
}

/// Why a tracked trip is refused; [`TrackedTripError::field`] names the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrackedTripError {
    /// The end is before the start.
    #[error("end: {end} is before start {start}")]
    EndBeforeStart {
        /// Start as given.
        start: DateTime<Utc>,
        /// End as given.
        end: DateTime<Utc>,
    },
    /// A reported duration or distance is negative, NaN or infinite.
    #[error("{field}: {value} is not a finite, non-negative number")]
    NotAMeasurement {
        /// `duration_hours` or `distance_m`.
        field: &'static str,
        /// The refused value.
        value: f64,
    },
    /// Timed positions go back in time; sort them before building the trip.
    #[error("positions: position {index} at {time} is earlier than the one before it")]
    PositionsOutOfOrder {
        /// Index (from 0) of the first position out of order.
        index: usize,
        /// Its time.
        time: DateTime<Utc>,
    },
    /// The source trip id is empty.
    #[error("source_trip_id: empty")]
    EmptySourceTripId,
}

impl TrackedTripError {
    /// The field the error is about: `end`, `duration_hours`, `distance_m`, `positions` or
    /// `source_trip_id`.
    pub fn field(&self) -> &'static str {
        match self {
            TrackedTripError::EndBeforeStart { .. } => "end",
            TrackedTripError::NotAMeasurement { field, .. } => field,
            TrackedTripError::PositionsOutOfOrder { .. } => "positions",
            TrackedTripError::EmptySourceTripId => "source_trip_id",
        }
    }
}

/// Identity of a tracked trip inside tasi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TrackedTripId(pub Uuid);

impl TrackedTripId {
    /// A fresh id: a UUID v7 (RFC 9562), time-ordered like [`Uuid::now_v7`].
    pub fn new() -> Self {
        TrackedTripId(Uuid::now_v7())
    }
}

impl Default for TrackedTripId {
    fn default() -> Self {
        Self::new()
    }
}

/// What a source says about a trip: the input of [`TrackedTrip::new`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewTrackedTrip {
    /// Where it was read from.
    pub source: TrackSource,
    /// Its id there; (source, source trip id) identifies the trip across imports.
    pub source_trip_id: SourceTripId,
    /// The vessel (PeskAAS `boat_id`, PDS `Boat`).
    pub vessel: VesselId,
    /// The tracker, when the source names it.
    pub imei: Option<Imei>,
    /// When.
    pub times: TripTimes,
    /// Duration reported by the source, hours (PDS `Duration (Seconds)` ÷ 3600).
    pub duration_hours: Option<f64>,
    /// Distance reported by the source, metres (PDS `Distance (Meters)`).
    pub distance_m: Option<f64>,
    /// The positions, in the order travelled (timed ones in chronological order).
    pub positions: Vec<Position>,
}

/// One trip recorded by a GPS tracker on a boat. Holds what the source reported; the
/// duration and distance fall back on what the times and positions give.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackedTrip {
    id: TrackedTripId,
    source: TrackSource,
    source_trip_id: SourceTripId,
    vessel: VesselId,
    imei: Option<Imei>,
    times: TripTimes,
    reported_duration_hours: Option<f64>,
    reported_distance_m: Option<f64>,
    positions: Vec<Position>,
}

fn measurement(field: &'static str, v: Option<f64>) -> Result<Option<f64>, TrackedTripError> {
    match v {
        Some(value) if !value.is_finite() || value < 0.0 => {
            Err(TrackedTripError::NotAMeasurement { field, value })
        }
        _ => Ok(v),
    }
}

impl TrackedTrip {
    /// A new trip with a fresh id.
    ///
    /// # Errors
    /// [`TrackedTripError`] naming the field: a reported duration or distance that is
    /// negative or not finite, or timed positions that go back in time. (An end before the
    /// start cannot reach here: [`TripTimes::timed`] refuses it.)
    pub fn new(trip: NewTrackedTrip) -> Result<Self, TrackedTripError> {
        Self::with_id(TrackedTripId::new(), trip)
    }

    /// A trip with a known id, as persistence reads it back; checked like
    /// [`TrackedTrip::new`].
    ///
    /// # Errors
    /// As [`TrackedTrip::new`].
    pub fn with_id(id: TrackedTripId, trip: NewTrackedTrip) -> Result<Self, TrackedTripError> {
        if let TripTimes::Timed {
            start,
            end: Some(end),
        } = trip.times
            && end < start
        {
            return Err(TrackedTripError::EndBeforeStart { start, end });
        }
        let reported_duration_hours = measurement("duration_hours", trip.duration_hours)?;
        let reported_distance_m = measurement("distance_m", trip.distance_m)?;
        let mut last: Option<DateTime<Utc>> = None;
        for (index, p) in trip.positions.iter().enumerate() {
            if let Some(time) = p.time {
                if last.is_some_and(|l| time < l) {
                    return Err(TrackedTripError::PositionsOutOfOrder { index, time });
                }
                last = Some(time);
            }
        }
        Ok(TrackedTrip {
            id,
            source: trip.source,
            source_trip_id: trip.source_trip_id,
            vessel: trip.vessel,
            imei: trip.imei,
            times: trip.times,
            reported_duration_hours,
            reported_distance_m,
            positions: trip.positions,
        })
    }

    /// tasi's id.
    pub fn id(&self) -> TrackedTripId {
        self.id
    }

    /// The source.
    pub fn source(&self) -> TrackSource {
        self.source
    }

    /// The id in the source.
    pub fn source_trip_id(&self) -> &SourceTripId {
        &self.source_trip_id
    }

    /// The vessel.
    pub fn vessel(&self) -> &VesselId {
        &self.vessel
    }

    /// The tracker, when known.
    pub fn imei(&self) -> Option<&Imei> {
        self.imei.as_ref()
    }

    /// When.
    pub fn times(&self) -> TripTimes {
        self.times
    }

    /// The positions, in the order travelled.
    pub fn positions(&self) -> &[Position] {
        &self.positions
    }

    /// Duration as the source reported it, hours.
    pub fn reported_duration_hours(&self) -> Option<f64> {
        self.reported_duration_hours
    }

    /// Distance as the source reported it, metres.
    pub fn reported_distance_m(&self) -> Option<f64> {
        self.reported_distance_m
    }

    /// Duration, hours: as reported, else end − start; `None` when neither is known
    /// (date-only trips).
    pub fn duration_hours(&self) -> Option<f64> {
        self.reported_duration_hours
            .or_else(|| self.times.duration_hours())
    }

    /// Distance travelled, metres: as reported, else the sum of great-circle distances
    /// between consecutive positions; `None` with neither a report nor two positions.
    /// From ten sampled positions (PeskAAS) the sum underestimates the track.
    pub fn distance_m(&self) -> Option<f64> {
        self.reported_distance_m.or_else(|| {
            (self.positions.len() >= 2).then(|| {
                let at: Vec<LatLon> = self.positions.iter().map(Position::at).collect();
                path_length_m(&at)
            })
        })
    }

    /// The speed at each position, metres per second: the reported speed, else the
    /// great-circle distance from the previous position over the time between them. `None`
    /// where neither can be had: the first position without a reported speed, a position or
    /// its predecessor without a time, or no time elapsed between them.
    pub fn speeds_mps(&self) -> Vec<Option<f64>> {
        let mut out = Vec::with_capacity(self.positions.len());
        for (i, p) in self.positions.iter().enumerate() {
            let computed = || {
                let prev = self.positions.get(i.checked_sub(1)?)?;
                let seconds = (p.time? - prev.time?).num_milliseconds() as f64 / 1000.0;
                (seconds > 0.0).then(|| prev.at.distance_m(p.at) / seconds)
            };
            out.push(p.speed_mps.or_else(computed));
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    pub(crate) fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2021, 6, 1, h, m, 0)
            .single()
            .unwrap_or_else(|| panic!("time {h}:{m}"))
    }

    pub(crate) fn ll(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap_or_else(|e| panic!("{e}"))
    }

    pub(crate) fn draft(times: TripTimes, positions: Vec<Position>) -> NewTrackedTrip {
        NewTrackedTrip {
            source: TrackSource::Pds,
            source_trip_id: SourceTripId::Number(1),
            vessel: VesselId::from(2415),
            imei: Imei::parse("861508039405006").ok(),
            times,
            duration_hours: None,
            distance_m: None,
            positions,
        }
    }

    fn timed(start: DateTime<Utc>, end: DateTime<Utc>) -> TripTimes {
        TripTimes::timed(start, Some(end)).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_trip_cannot_end_before_it_starts() {
        let err = TripTimes::timed(at(10, 0), Some(at(9, 59)));
        assert_eq!(err.as_ref().map_err(TrackedTripError::field), Err("end"));
        assert!(TripTimes::timed(at(10, 0), Some(at(10, 0))).is_ok());
        assert!(TripTimes::timed(at(10, 0), None).is_ok());
        // Built by hand around the constructor, the aggregate still refuses it.
        let bad = TripTimes::Timed {
            start: at(10, 0),
            end: Some(at(9, 0)),
        };
        let err = TrackedTrip::new(draft(bad, vec![]));
        assert_eq!(err.map_err(|e| e.field()).err(), Some("end"));
    }

    #[test]
    fn reported_measures_must_be_finite_and_not_negative() {
        let mut d = draft(timed(at(6, 0), at(9, 0)), vec![]);
        d.duration_hours = Some(-1.0);
        assert_eq!(
            TrackedTrip::new(d.clone()).err(),
            Some(TrackedTripError::NotAMeasurement {
                field: "duration_hours",
                value: -1.0
            })
        );
        d.duration_hours = None;
        d.distance_m = Some(f64::NAN);
        assert_eq!(
            TrackedTrip::new(d).err().map(|e| e.field()),
            Some("distance_m")
        );
        assert!(Position::new(None, ll(-8.5, 125.5), Some(-0.1)).is_err());
        assert!(Position::new(None, ll(-8.5, 125.5), Some(f64::INFINITY)).is_err());
        assert!(Position::new(None, ll(-8.5, 125.5), Some(0.0)).is_ok());
    }

    #[test]
    fn timed_positions_must_not_go_back_in_time() {
        let p =
            |t, lat| Position::new(Some(t), ll(lat, 125.5), None).unwrap_or_else(|e| panic!("{e}"));
        let d = draft(
            timed(at(6, 0), at(9, 0)),
            vec![p(at(6, 0), -8.5), p(at(7, 0), -8.6), p(at(6, 30), -8.7)],
        );
        assert_eq!(
            TrackedTrip::new(d).err(),
            Some(TrackedTripError::PositionsOutOfOrder {
                index: 2,
                time: at(6, 30)
            })
        );
        // Untimed positions in between do not matter.
        let d = draft(
            timed(at(6, 0), at(9, 0)),
            vec![
                p(at(6, 0), -8.5),
                Position::sampled(ll(-8.6, 125.5)),
                p(at(7, 0), -8.7),
            ],
        );
        assert!(TrackedTrip::new(d).is_ok());
    }

    #[test]
    fn a_date_only_trip_has_no_duration_and_a_distance_along_its_positions() {
        let date = NaiveDate::from_ymd_opt(2018, 2, 10).unwrap_or_default();
        let positions = vec![
            Position::sampled(ll(-8.82, 125.048)),
            Position::sampled(ll(-8.816, 125.044)),
            Position::sampled(ll(-8.812, 125.036)),
        ];
        let mut d = draft(TripTimes::date_only(date), positions);
        d.source = TrackSource::Peskaas;
        d.source_trip_id = SourceTripId::parse("274571").unwrap_or_else(|e| panic!("{e}"));
        let trip = TrackedTrip::new(d).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(trip.duration_hours(), None);
        assert_eq!(trip.times().date(), date);
        assert_eq!(trip.times().start(), None);
        let expected = ll(-8.82, 125.048).distance_m(ll(-8.816, 125.044))
            + ll(-8.816, 125.044).distance_m(ll(-8.812, 125.036));
        assert!(
            trip.distance_m()
                .is_some_and(|m| (m - expected).abs() < 1e-9)
        );
        assert_eq!(trip.reported_distance_m(), None);
        assert_eq!(trip.speeds_mps(), vec![None, None, None]);
        assert_eq!(trip.source_trip_id().to_string(), "274571");
    }

    #[test]
    fn reported_values_win_over_computed_ones() {
        let mut d = draft(
            timed(at(6, 0), at(9, 30)),
            vec![
                Position::sampled(ll(-8.5, 125.5)),
                Position::sampled(ll(-8.6, 125.5)),
            ],
        );
        let trip = TrackedTrip::new(d.clone()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(trip.duration_hours(), Some(3.5));
        d.duration_hours = Some(3.0);
        d.distance_m = Some(12_000.0);
        let trip = TrackedTrip::new(d).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(trip.duration_hours(), Some(3.0));
        assert_eq!(trip.distance_m(), Some(12_000.0));
        let one = TrackedTrip::new(draft(
            TripTimes::timed(at(6, 0), None).unwrap_or_else(|e| panic!("{e}")),
            vec![Position::sampled(ll(-8.5, 125.5))],
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(one.distance_m(), None);
        assert_eq!(one.duration_hours(), None);
    }

    #[test]
    fn speeds_are_reported_or_computed_from_the_previous_position() {
        let p = |t, lat, v| Position::new(t, ll(lat, 125.5), v).unwrap_or_else(|e| panic!("{e}"));
        let trip = TrackedTrip::new(draft(
            timed(at(6, 0), at(9, 0)),
            vec![
                p(Some(at(6, 0)), -8.50, None),
                // 0.01° of latitude in 60 s.
                p(Some(at(6, 1)), -8.51, None),
                p(Some(at(6, 2)), -8.52, Some(4.0)),
                p(Some(at(6, 2)), -8.53, None), // no time elapsed
                p(None, -8.54, None),           // no time
            ],
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        let v = trip.speeds_mps();
        let expected = ll(-8.50, 125.5).distance_m(ll(-8.51, 125.5)) / 60.0;
        assert_eq!(v[0], None);
        assert!(v[1].is_some_and(|s| (s - expected).abs() < 1e-9));
        assert_eq!(v[2], Some(4.0));
        assert_eq!(v[3], None);
        assert_eq!(v[4], None);
    }

    #[test]
    fn local_dates_follow_the_offset_and_ids_parse_as_numbers_when_they_can() {
        let late = TripTimes::timed(at(20, 0), None).unwrap_or_else(|e| panic!("{e}"));
        let timor = FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| panic!("offset"));
        assert_eq!(late.date().to_string(), "2021-06-01");
        assert_eq!(late.local_date(timor).to_string(), "2021-06-02");
        assert_eq!(SourceTripId::parse(" 42 "), Ok(SourceTripId::Number(42)));
        assert_eq!(
            SourceTripId::parse("T-42"),
            Ok(SourceTripId::Text("T-42".into()))
        );
        assert_eq!(
            SourceTripId::parse(" ").map_err(|e| e.field()),
            Err("source_trip_id")
        );
        for s in [TrackSource::Peskaas, TrackSource::Pds] {
            assert_eq!(TrackSource::from_key(s.key()), Some(s));
        }
    }
}
