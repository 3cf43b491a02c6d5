//! A GPS fix as a tracker reported it (one row of a Pelagic Data Systems points export):
//! when, where, and the speed, range and heading the device computed, each validated once.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::trip::Position;
use crate::domain::shared::{GeoError, LatLon};

/// A compass heading, degrees clockwise from true north, 0…360 inclusive (PDS points
/// `Heading`; 360 is north, like 0).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
pub struct Heading(f64);

impl Heading {
    /// The heading `degrees`.
    ///
    /// # Errors
    /// [`TrackPointError::Heading`] when not a finite number within 0…360.
    pub fn new(degrees: f64) -> Result<Self, TrackPointError> {
        if degrees.is_finite() && (0.0..=360.0).contains(&degrees) {
            Ok(Heading(degrees))
        } else {
            Err(TrackPointError::Heading(degrees))
        }
    }

    /// Degrees clockwise from true north, 0…360.
    pub fn degrees(self) -> f64 {
        self.0
    }
}

/// Why a reported fix is refused; [`TrackPointError::field`] names the field at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrackPointError {
    /// The latitude is not within −90…90 degrees (or not finite).
    #[error("latitude {0} is outside -90..90 degrees")]
    Latitude(f64),
    /// The longitude is not within −180…180 degrees (or not finite).
    #[error("longitude {0} is outside -180..180 degrees")]
    Longitude(f64),
    /// The speed is negative or not finite.
    #[error("speed {0} m/s is not a finite, non-negative number")]
    Speed(f64),
    /// The range is negative or not finite.
    #[error("range {0} m is not a finite, non-negative distance")]
    Range(f64),
    /// The heading is outside 0…360 degrees (or not finite).
    #[error("heading {0} is outside 0..360 degrees")]
    Heading(f64),
}

impl TrackPointError {
    /// The field at fault: `lat`, `lon`, `speed`, `range` or `heading`.
    pub fn field(&self) -> &'static str {
        match self {
            TrackPointError::Latitude(_) => "lat",
            TrackPointError::Longitude(_) => "lon",
            TrackPointError::Speed(_) => "speed",
            TrackPointError::Range(_) => "range",
            TrackPointError::Heading(_) => "heading",
        }
    }
}

/// One GPS fix of a trip, as the tracker reported it: an instant (UTC), a WGS84 position,
/// and the optional speed (metres per second, ≥ 0), range (metres, ≥ 0: PDS `Range
/// (Meters)`, a distance the device reports) and heading ([`Heading`]). Which trip it
/// belongs to is the caller's business: the fix itself is a value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackPoint {
    time: DateTime<Utc>,
    at: LatLon,
    speed_mps: Option<f64>,
    range_m: Option<f64>,
    heading: Option<Heading>,
}

impl TrackPoint {
    /// A fix at `time`, at latitude `lat` and longitude `lon` (decimal degrees), moving at
    /// `speed_mps` metres per second, `range_m` metres away, heading `heading` degrees.
    ///
    /// # Errors
    /// [`TrackPointError`] naming the first field that is out of its range: the position
    /// as [`LatLon::new`], the speed as [`Position::new`], the range (≥ 0) and the heading
    /// as [`Heading::new`].
    pub fn new(
        time: DateTime<Utc>,
        lat: f64,
        lon: f64,
        speed_mps: Option<f64>,
        range_m: Option<f64>,
        heading: Option<f64>,
    ) -> Result<Self, TrackPointError> {
        let at = LatLon::new(lat, lon).map_err(|e| match e {
            GeoError::LongitudeOutOfRange(v) => TrackPointError::Longitude(v),
            GeoError::NotFinite { lat, lon } if lat.is_finite() => TrackPointError::Longitude(lon),
            _ => TrackPointError::Latitude(lat),
        })?;
        Position::new(Some(time), at, speed_mps).map_err(|e| TrackPointError::Speed(e.0))?;
        if let Some(r) = range_m.filter(|r| !r.is_finite() || *r < 0.0) {
            return Err(TrackPointError::Range(r));
        }
        let heading = heading.map(Heading::new).transpose()?;
        Ok(TrackPoint {
            time,
            at,
            speed_mps,
            range_m,
            heading,
        })
    }

    /// When the tracker recorded it, UTC.
    pub fn time(&self) -> DateTime<Utc> {
        self.time
    }

    /// Where (WGS84).
    pub fn at(&self) -> LatLon {
        self.at
    }

    /// Speed over ground reported by the tracker, metres per second.
    pub fn speed_mps(&self) -> Option<f64> {
        self.speed_mps
    }

    /// Range reported by the tracker, metres.
    pub fn range_m(&self) -> Option<f64> {
        self.range_m
    }

    /// Heading reported by the tracker.
    pub fn heading(&self) -> Option<Heading> {
        self.heading
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 1, 31, 23, 59, 59)
            .single()
            .unwrap_or_else(|| panic!("time"))
    }

    #[test]
    fn a_fix_off_timor_is_kept_with_its_measurements() {
        let p = TrackPoint::new(t(), -8.55, 125.57, Some(2.5), Some(1500.0), Some(360.0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.at().lat(), -8.55);
        assert_eq!(p.heading().map(Heading::degrees), Some(360.0));
        assert_eq!(p.speed_mps(), Some(2.5));
        assert_eq!(p.range_m(), Some(1500.0));
        assert_eq!(p.time(), t());
        let bare = TrackPoint::new(t(), 0.0, 0.0, None, None, None);
        assert!(bare.is_ok());
    }

    #[test]
    fn each_refusal_names_its_field() {
        let field = |lat, lon, s, r, h| {
            TrackPoint::new(t(), lat, lon, s, r, h)
                .err()
                .map(|e| e.field())
        };
        assert_eq!(field(91.0, 125.0, None, None, None), Some("lat"));
        assert_eq!(field(f64::NAN, 125.0, None, None, None), Some("lat"));
        assert_eq!(field(-8.5, 181.0, None, None, None), Some("lon"));
        assert_eq!(field(-8.5, f64::INFINITY, None, None, None), Some("lon"));
        assert_eq!(field(-8.5, 125.0, Some(-0.1), None, None), Some("speed"));
        assert_eq!(field(-8.5, 125.0, None, Some(-1.0), None), Some("range"));
        assert_eq!(field(-8.5, 125.0, None, None, Some(360.5)), Some("heading"));
        assert_eq!(field(-8.5, 125.0, None, None, Some(-0.5)), Some("heading"));
        assert_eq!(
            TrackPoint::new(t(), 91.0, 125.0, None, None, None)
                .err()
                .map(|e| e.to_string()),
            Some("latitude 91 is outside -90..90 degrees".into())
        );
    }
}
