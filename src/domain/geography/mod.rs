//! Geography context: the jurisdiction tree (country → municipality → landing site) and
//! the municipalities' boundaries.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::shared::JurisdictionPath;

/// The level of a node of the jurisdiction tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum JurisdictionKind {
    /// A country: the root of a tree.
    Country,
    /// A municipality of a country.
    Municipality,
    /// A landing site (station), below a municipality or, when its municipality is not
    /// known, directly below the country.
    LandingSite,
}

impl JurisdictionKind {
    /// `country`, `municipality` or `landing_site`, as stored.
    pub fn key(self) -> &'static str {
        match self {
            JurisdictionKind::Country => "country",
            JurisdictionKind::Municipality => "municipality",
            JurisdictionKind::LandingSite => "landing_site",
        }
    }

    /// Parses a stored key.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "country" => Some(JurisdictionKind::Country),
            "municipality" => Some(JurisdictionKind::Municipality),
            "landing_site" => Some(JurisdictionKind::LandingSite),
            _ => None,
        }
    }
}

/// A boundary as WGS84 polygons: polygons → rings → (longitude, latitude) in decimal
/// degrees; the first ring of a polygon is its outer edge, the others are holes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Boundary(pub Vec<Vec<Vec<(f64, f64)>>>);

/// Why a boundary is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoundaryError {
    /// A coordinate is outside −180…180 (longitude) or −90…90 (latitude), or not finite.
    #[error("position ({lon}, {lat}) is not a WGS84 longitude/latitude")]
    OutOfRange {
        /// Longitude, degrees.
        lon: f64,
        /// Latitude, degrees.
        lat: f64,
    },
    /// A ring has fewer than 4 positions (a closed triangle at least).
    #[error("a ring has {0} positions; a closed ring needs at least 4")]
    RingTooShort(usize),
    /// No polygon at all.
    #[error("the boundary has no polygon")]
    Empty,
}

impl Boundary {
    /// A boundary of `polygons`.
    ///
    /// # Errors
    /// [`BoundaryError`] for an empty boundary, a ring of fewer than 4 positions, or a
    /// position outside WGS84 ranges.
    pub fn new(polygons: Vec<Vec<Vec<(f64, f64)>>>) -> Result<Self, BoundaryError> {
        if polygons.is_empty() {
            return Err(BoundaryError::Empty);
        }
        for ring in polygons.iter().flatten() {
            if ring.len() < 4 {
                return Err(BoundaryError::RingTooShort(ring.len()));
            }
            for &(lon, lat) in ring {
                let valid = lon.is_finite()
                    && lat.is_finite()
                    && (-180.0..=180.0).contains(&lon)
                    && (-90.0..=90.0).contains(&lat);
                if !valid {
                    return Err(BoundaryError::OutOfRange { lon, lat });
                }
            }
        }
        Ok(Boundary(polygons))
    }

    /// The bounding box `(min_lon, min_lat, max_lon, max_lat)`; `None` when empty.
    pub fn bbox(&self) -> Option<(f64, f64, f64, f64)> {
        let mut it = self.0.iter().flatten().flatten();
        let &(lon0, lat0) = it.next()?;
        Some(it.fold((lon0, lat0, lon0, lat0), |(a, b, c, d), &(x, y)| {
            (a.min(x), b.min(y), c.max(x), d.max(y))
        }))
    }
}

/// A node of the jurisdiction tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Jurisdiction {
    /// tasi's id.
    pub id: Uuid,
    /// Path from the country, e.g. `Timor-Leste/Atauro/Station 6`.
    pub path: JurisdictionPath,
    /// Level in the tree.
    pub kind: JurisdictionKind,
    /// The source's code of the node (a station code), when it has one.
    pub source_code: Option<String>,
    /// The boundary, for municipalities that have one.
    pub boundary: Option<Boundary>,
}

/// Why a jurisdiction is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: a {kind} cannot sit at depth {depth} of the tree")]
pub struct JurisdictionError {
    /// The path refused.
    pub path: String,
    /// Its kind.
    pub kind: &'static str,
    /// Its depth.
    pub depth: usize,
}

impl Jurisdiction {
    /// A node at `path` of `kind`; the depth must fit the kind (country 1, municipality 2,
    /// landing site 2 or 3).
    ///
    /// # Errors
    /// [`JurisdictionError`] when the depth does not fit the kind.
    pub fn new(
        path: JurisdictionPath,
        kind: JurisdictionKind,
        source_code: Option<String>,
        boundary: Option<Boundary>,
    ) -> Result<Self, JurisdictionError> {
        let depth = path.depth();
        let fits = match kind {
            JurisdictionKind::Country => depth == 1,
            JurisdictionKind::Municipality => depth == 2,
            JurisdictionKind::LandingSite => depth == 2 || depth == 3,
        };
        if !fits {
            return Err(JurisdictionError {
                path: path.to_string(),
                kind: kind.key(),
                depth,
            });
        }
        Ok(Jurisdiction {
            id: Uuid::new_v4(),
            path,
            kind,
            source_code,
            boundary,
        })
    }

    /// The node's own name (last segment of its path).
    pub fn name(&self) -> &str {
        self.path.name()
    }
}

/// Nodes of the jurisdiction tree were registered (new ones added, changed ones updated)
/// by an import that names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JurisdictionsRegistered {
    /// The root of the nodes registered (their country), as a path.
    pub country: String,
    /// Nodes added or changed.
    pub written: u64,
    /// Nodes named and already stored as they are.
    pub unchanged: u64,
}

impl crate::domain::shared::EventPayload for JurisdictionsRegistered {
    const TYPE: &'static str = "geography.JurisdictionsRegistered";
    const VERSION: u16 = 1;
    const AGGREGATE: &'static str = "JurisdictionTree";

    fn aggregate_id(&self) -> String {
        self.country.clone()
    }

    fn jurisdiction(&self) -> Option<JurisdictionPath> {
        JurisdictionPath::parse(&self.country).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> JurisdictionPath {
        JurisdictionPath::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn kinds_must_fit_their_depth() {
        use JurisdictionKind::*;
        assert!(Jurisdiction::new(p("Timor-Leste"), Country, None, None).is_ok());
        assert!(Jurisdiction::new(p("Timor-Leste/Atauro"), Municipality, None, None).is_ok());
        assert!(
            Jurisdiction::new(p("Timor-Leste/Atauro/Station 6"), LandingSite, None, None).is_ok()
        );
        assert!(Jurisdiction::new(p("Timor-Leste/Station 3"), LandingSite, None, None).is_ok());
        assert!(Jurisdiction::new(p("Timor-Leste/Atauro"), Country, None, None).is_err());
        assert!(Jurisdiction::new(p("Timor-Leste"), LandingSite, None, None).is_err());
        for k in [Country, Municipality, LandingSite] {
            assert_eq!(JurisdictionKind::from_key(k.key()), Some(k));
        }
    }

    #[test]
    fn boundaries_are_closed_wgs84_rings() {
        let square = vec![(125.0, -8.0), (126.0, -8.0), (126.0, -9.0), (125.0, -8.0)];
        let b = Boundary::new(vec![vec![square.clone()]]);
        assert_eq!(
            b.as_ref().ok().and_then(Boundary::bbox),
            Some((125.0, -9.0, 126.0, -8.0))
        );
        assert_eq!(Boundary::new(vec![]), Err(BoundaryError::Empty));
        assert_eq!(
            Boundary::new(vec![vec![square[..3].to_vec()]]),
            Err(BoundaryError::RingTooShort(3))
        );
        let bad = vec![
            (500000.0, -8.0),
            (126.0, -8.0),
            (126.0, -9.0),
            (500000.0, -8.0),
        ];
        assert!(matches!(
            Boundary::new(vec![vec![bad]]),
            Err(BoundaryError::OutOfRange { .. })
        ));
    }
}
