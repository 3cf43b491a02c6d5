//! Plane and sphere geometry on WGS84 positions that several contexts need: validated
//! positions, great-circle distance, polygons (point in polygon, distance to an edge) and
//! the 0.1° grid on which fishing effort and catch are mapped.
//!
//! Coordinates are decimal degrees. Polygons hold (longitude, latitude) pairs, the order of
//! GeoJSON; [`LatLon`] names both fields so that the two cannot be swapped. Polygons are
//! taken as drawn on a plate carrée (straight edges in degrees) and must not cross the
//! antimeridian; both hold for the boundaries of one country such as Timor-Leste.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Mean radius of the Earth, metres: the IUGG mean radius R₁ = (2a + b) / 3 of the
/// GRS 80 ellipsoid (H. Moritz, "Geodetic Reference System 1980", Bulletin Géodésique 54,
/// 1980; also the WGS84 value to 0.1 m). The radius of every great-circle distance here.
pub const EARTH_MEAN_RADIUS_M: f64 = 6_371_008.8;

/// Why a position or a polygon is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeoError {
    /// A coordinate is NaN or infinite.
    #[error("position ({lat}, {lon}) is not a pair of finite numbers")]
    NotFinite {
        /// Latitude as given, degrees.
        lat: f64,
        /// Longitude as given, degrees.
        lon: f64,
    },
    /// The latitude is outside −90…90.
    #[error("latitude {0} is outside -90..90 degrees")]
    LatitudeOutOfRange(f64),
    /// The longitude is outside −180…180.
    #[error("longitude {0} is outside -180..180 degrees")]
    LongitudeOutOfRange(f64),
    /// A ring has fewer than 3 distinct vertices (a repeat of the first vertex at the end,
    /// which closes a GeoJSON ring, is not counted).
    #[error("a ring has {0} vertices; a ring needs at least 3")]
    RingTooShort(usize),
    /// A multipolygon without any polygon.
    #[error("a multipolygon needs at least one polygon")]
    Empty,
}

/// A WGS84 position in decimal degrees: latitude −90…90 (south negative), longitude
/// −180…180 (west negative), both finite. Validated at construction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawLatLon", into = "RawLatLon")]
pub struct LatLon {
    lat: f64,
    lon: f64,
}

/// The serialized form of [`LatLon`], checked again when read back.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct RawLatLon {
    lat: f64,
    lon: f64,
}

impl TryFrom<RawLatLon> for LatLon {
    type Error = GeoError;
    fn try_from(raw: RawLatLon) -> Result<Self, GeoError> {
        LatLon::new(raw.lat, raw.lon)
    }
}

impl From<LatLon> for RawLatLon {
    fn from(p: LatLon) -> Self {
        RawLatLon {
            lat: p.lat,
            lon: p.lon,
        }
    }
}

impl LatLon {
    /// The position at latitude `lat` and longitude `lon`, decimal degrees.
    ///
    /// # Errors
    /// [`GeoError::NotFinite`], [`GeoError::LatitudeOutOfRange`] or
    /// [`GeoError::LongitudeOutOfRange`].
    pub fn new(lat: f64, lon: f64) -> Result<Self, GeoError> {
        if !lat.is_finite() || !lon.is_finite() {
            return Err(GeoError::NotFinite { lat, lon });
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(GeoError::LatitudeOutOfRange(lat));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(GeoError::LongitudeOutOfRange(lon));
        }
        Ok(LatLon { lat, lon })
    }

    /// The position of a GeoJSON-ordered pair `(longitude, latitude)`.
    ///
    /// # Errors
    /// As [`LatLon::new`].
    pub fn from_lon_lat((lon, lat): (f64, f64)) -> Result<Self, GeoError> {
        LatLon::new(lat, lon)
    }

    /// Latitude, decimal degrees (south negative).
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Longitude, decimal degrees (west negative).
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance to `other`, metres (see [`haversine_m`]).
    pub fn distance_m(self, other: LatLon) -> f64 {
        haversine_m(self, other)
    }
}

impl fmt::Display for LatLon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.lat, self.lon)
    }
}

/// Great-circle distance between `a` and `b`, metres, by the haversine formula on a sphere
/// of radius [`EARTH_MEAN_RADIUS_M`] (R. W. Sinnott, "Virtues of the Haversine", Sky and
/// Telescope 68(2), 1984). Within 0.5 % of the distance on the WGS84 ellipsoid.
pub fn haversine_m(a: LatLon, b: LatLon) -> f64 {
    let (phi1, phi2) = (a.lat.to_radians(), b.lat.to_radians());
    let d_phi = phi2 - phi1;
    let d_lambda = (b.lon - a.lon).to_radians();
    let h = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    // Rounding can push h a hair above 1 for antipodal points.
    2.0 * EARTH_MEAN_RADIUS_M * h.clamp(0.0, 1.0).sqrt().asin()
}

/// Sum of the great-circle distances between consecutive positions, metres (0 for fewer
/// than two positions).
pub fn path_length_m(positions: &[LatLon]) -> f64 {
    positions.windows(2).map(|w| haversine_m(w[0], w[1])).sum()
}

/// A ring checked for [`Polygon`]: at least 3 distinct vertices, all valid WGS84.
fn checked_ring(ring: Vec<(f64, f64)>) -> Result<Vec<(f64, f64)>, GeoError> {
    for &pair in &ring {
        LatLon::from_lon_lat(pair)?;
    }
    let closed = ring.len() > 1 && ring.first() == ring.last();
    let vertices = if closed { ring.len() - 1 } else { ring.len() };
    if vertices < 3 {
        return Err(GeoError::RingTooShort(vertices));
    }
    Ok(ring)
}

/// The edges of a ring as pairs of (lon, lat) vertices, the closing edge included (a ring
/// given closed yields one zero-length closing edge, which changes nothing).
fn edges(ring: &[(f64, f64)]) -> impl Iterator<Item = ((f64, f64), (f64, f64))> + '_ {
    let n = ring.len();
    (0..n).map(move |i| (ring[(i + n - 1) % n], ring[i]))
}

/// A polygon of WGS84 (longitude, latitude) vertices: one outer ring and any number of
/// holes. Rings may be given closed (last vertex = first, as GeoJSON writes them) or open;
/// either way the last vertex is joined to the first. Ring orientation does not matter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawPolygon", into = "RawPolygon")]
pub struct Polygon {
    outer: Vec<(f64, f64)>,
    holes: Vec<Vec<(f64, f64)>>,
    /// (min lon, min lat, max lon, max lat) of the outer ring.
    bbox: (f64, f64, f64, f64),
}

/// The serialized form of [`Polygon`], checked again when read back.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RawPolygon {
    outer: Vec<(f64, f64)>,
    holes: Vec<Vec<(f64, f64)>>,
}

impl TryFrom<RawPolygon> for Polygon {
    type Error = GeoError;
    fn try_from(raw: RawPolygon) -> Result<Self, GeoError> {
        Polygon::new(raw.outer, raw.holes)
    }
}

impl From<Polygon> for RawPolygon {
    fn from(p: Polygon) -> Self {
        RawPolygon {
            outer: p.outer,
            holes: p.holes,
        }
    }
}

impl Polygon {
    /// A polygon of `outer` ring and `holes`, each ring a list of (lon, lat) in degrees.
    ///
    /// # Errors
    /// [`GeoError::RingTooShort`] for a ring of fewer than 3 distinct vertices, or the
    /// [`LatLon::new`] errors for a vertex outside WGS84 ranges.
    pub fn new(outer: Vec<(f64, f64)>, holes: Vec<Vec<(f64, f64)>>) -> Result<Self, GeoError> {
        let outer = checked_ring(outer)?;
        let holes = holes
            .into_iter()
            .map(checked_ring)
            .collect::<Result<Vec<_>, _>>()?;
        let (lon0, lat0) = outer[0];
        let bbox = outer
            .iter()
            .fold((lon0, lat0, lon0, lat0), |(a, b, c, d), &(x, y)| {
                (a.min(x), b.min(y), c.max(x), d.max(y))
            });
        Ok(Polygon { outer, holes, bbox })
    }

    /// The outer ring, (lon, lat) vertices as given.
    pub fn outer(&self) -> &[(f64, f64)] {
        &self.outer
    }

    /// The holes, (lon, lat) vertices as given.
    pub fn holes(&self) -> &[Vec<(f64, f64)>] {
        &self.holes
    }

    /// The bounding box of the outer ring: (min lon, min lat, max lon, max lat), degrees.
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        self.bbox
    }

    fn rings(&self) -> impl Iterator<Item = &Vec<(f64, f64)>> {
        std::iter::once(&self.outer).chain(self.holes.iter())
    }

    /// True when `p` lies inside the outer ring and outside every hole, by even–odd ray
    /// casting over all rings (W. R. Franklin, PNPOLY). A point exactly on an edge may fall
    /// either way; rules that care use [`Polygon::distance_to_edge_m`] as well.
    pub fn contains(&self, p: LatLon) -> bool {
        let (x, y) = (p.lon, p.lat);
        let (min_x, min_y, max_x, max_y) = self.bbox;
        if x < min_x || x > max_x || y < min_y || y > max_y {
            return false;
        }
        let mut inside = false;
        for ring in self.rings() {
            for ((xj, yj), (xi, yi)) in edges(ring) {
                if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                    inside = !inside;
                }
            }
        }
        inside
    }

    /// Distance from `p` to the nearest edge of any ring (outer or hole), metres.
    ///
    /// An approximation good to well under 1 % at the scale of a coastline check (up to tens
    /// of kilometres): vertices are projected on a local equirectangular plane centred on
    /// `p` (x = Δlon·cos(lat of p)·R, y = Δlat·R, R = [`EARTH_MEAN_RADIUS_M`], angles in
    /// radians) and the distance to each edge is the plane distance to that segment.
    pub fn distance_to_edge_m(&self, p: LatLon) -> f64 {
        let plane = LocalPlane::at(p);
        self.rings()
            .flat_map(|ring| edges(ring))
            .map(|(a, b)| plane.distance_to_segment(a, b))
            .fold(f64::INFINITY, f64::min)
    }
}

/// A local equirectangular projection centred on one position, metres.
struct LocalPlane {
    lat: f64,
    lon: f64,
    cos_lat: f64,
}

impl LocalPlane {
    fn at(p: LatLon) -> Self {
        LocalPlane {
            lat: p.lat,
            lon: p.lon,
            cos_lat: p.lat.to_radians().cos(),
        }
    }

    /// (x, y) metres of a (lon, lat) vertex, the centre at (0, 0).
    fn project(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        let mut d_lon = lon - self.lon;
        if d_lon > 180.0 {
            d_lon -= 360.0;
        } else if d_lon < -180.0 {
            d_lon += 360.0;
        }
        (
            d_lon.to_radians() * self.cos_lat * EARTH_MEAN_RADIUS_M,
            (lat - self.lat).to_radians() * EARTH_MEAN_RADIUS_M,
        )
    }

    /// Distance from the centre to the segment a–b, metres.
    fn distance_to_segment(&self, a: (f64, f64), b: (f64, f64)) -> f64 {
        let (ax, ay) = self.project(a);
        let (bx, by) = self.project(b);
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        // The parameter of the centre's foot on the line, clamped to the segment.
        let t = if len2 > 0.0 {
            ((-ax * dx - ay * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (ax + t * dx).hypot(ay + t * dy)
    }
}

/// Several polygons taken together (a municipality with its islands): a point is inside
/// when it is inside any of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Polygon>", into = "Vec<Polygon>")]
pub struct MultiPolygon(Vec<Polygon>);

impl TryFrom<Vec<Polygon>> for MultiPolygon {
    type Error = GeoError;
    fn try_from(polygons: Vec<Polygon>) -> Result<Self, GeoError> {
        MultiPolygon::new(polygons)
    }
}

impl From<MultiPolygon> for Vec<Polygon> {
    fn from(m: MultiPolygon) -> Self {
        m.0
    }
}

impl MultiPolygon {
    /// A multipolygon of `polygons`.
    ///
    /// # Errors
    /// [`GeoError::Empty`] when there is no polygon.
    pub fn new(polygons: Vec<Polygon>) -> Result<Self, GeoError> {
        if polygons.is_empty() {
            return Err(GeoError::Empty);
        }
        Ok(MultiPolygon(polygons))
    }

    /// A multipolygon from the GeoJSON shape polygons → rings → (lon, lat), the first ring
    /// of each polygon its outer edge and the others its holes.
    ///
    /// # Errors
    /// [`GeoError::Empty`] for no polygon or a polygon without rings, and the
    /// [`Polygon::new`] errors.
    pub fn from_rings(polygons: Vec<Vec<Vec<(f64, f64)>>>) -> Result<Self, GeoError> {
        let polygons = polygons
            .into_iter()
            .map(|rings| {
                let mut rings = rings.into_iter();
                let outer = rings.next().ok_or(GeoError::Empty)?;
                Polygon::new(outer, rings.collect())
            })
            .collect::<Result<Vec<_>, _>>()?;
        MultiPolygon::new(polygons)
    }

    /// The polygons.
    pub fn polygons(&self) -> &[Polygon] {
        &self.0
    }

    /// True when `p` is inside any of the polygons (see [`Polygon::contains`]).
    pub fn contains(&self, p: LatLon) -> bool {
        self.0.iter().any(|poly| poly.contains(p))
    }

    /// Distance from `p` to the nearest edge of any ring of any polygon, metres (see
    /// [`Polygon::distance_to_edge_m`]).
    pub fn distance_to_edge_m(&self, p: LatLon) -> f64 {
        self.0
            .iter()
            .map(|poly| poly.distance_to_edge_m(p))
            .fold(f64::INFINITY, f64::min)
    }
}

/// Side of a grid cell, degrees (0.1°, about 11.1 km of latitude).
pub const GRID_CELL_DEG: f64 = 0.1;

/// Tolerance, in cells, under which a coordinate × 10 counts as lying on a cell boundary:
/// 1e-9 of a cell is 1e-10° (about 0.01 mm). Multiplying by 10 (rather than dividing by
/// 0.1, which puts 0.3 / 0.1 = 2.9999999999999996 in the cell below) is exact enough for
/// decimals as written; the tolerance absorbs the rounding of computed coordinates, e.g.
/// 0.7 − 0.4 = 0.29999999999999993, which plain flooring would put below 0.3.
pub const GRID_SNAP_CELLS: f64 = 1e-9;

/// The cell index of a coordinate: floor(x / 0.1), computed as floor(x · 10) with values
/// within [`GRID_SNAP_CELLS`] of a whole number snapped onto it first.
fn cell_index(degrees: f64) -> i32 {
    let t = degrees * 10.0;
    let r = t.round();
    let snapped = if (t - r).abs() < GRID_SNAP_CELLS {
        r
    } else {
        t.floor()
    };
    // |degrees| ≤ 180 for a LatLon, so the index fits easily.
    snapped as i32
}

/// One cell of the 0.1° grid: rows are floor(lat / 0.1), columns floor(lon / 0.1), so the
/// cell of (−8.55, 125.57) is row −86, column 1255, spanning −8.6…−8.5 and 125.5…125.6.
///
/// A cell contains its south and west edges, not its north and east ones; the north pole
/// (lat 90) belongs to row 899, and longitude 180 to column −1800 (the same meridian as
/// −180). Rows run −900…899 and columns −1800…1799.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GridCell {
    row: i32,
    col: i32,
}

impl GridCell {
    /// Rows: −900 (south pole) … 899.
    pub const ROWS: std::ops::RangeInclusive<i32> = -900..=899;
    /// Columns: −1800 (antimeridian) … 1799.
    pub const COLS: std::ops::RangeInclusive<i32> = -1800..=1799;

    /// The cell that contains `p`.
    pub fn of(p: LatLon) -> Self {
        let row = cell_index(p.lat).clamp(*Self::ROWS.start(), *Self::ROWS.end());
        let mut col = cell_index(p.lon);
        if col > *Self::COLS.end() {
            col = *Self::COLS.start();
        }
        GridCell {
            row,
            col: col.max(*Self::COLS.start()),
        }
    }

    /// The cell at `row` (latitude index) and `col` (longitude index); `None` outside the
    /// ranges [`GridCell::ROWS`] and [`GridCell::COLS`].
    pub fn from_indices(row: i32, col: i32) -> Option<Self> {
        (Self::ROWS.contains(&row) && Self::COLS.contains(&col)).then_some(GridCell { row, col })
    }

    /// The latitude index: floor(lat / 0.1).
    pub fn row(self) -> i32 {
        self.row
    }

    /// The longitude index: floor(lon / 0.1).
    pub fn col(self) -> i32 {
        self.col
    }

    /// Latitude of the south edge, degrees.
    pub fn south(self) -> f64 {
        f64::from(self.row) / 10.0
    }

    /// Latitude of the north edge, degrees.
    pub fn north(self) -> f64 {
        f64::from(self.row + 1) / 10.0
    }

    /// Longitude of the west edge, degrees.
    pub fn west(self) -> f64 {
        f64::from(self.col) / 10.0
    }

    /// Longitude of the east edge, degrees.
    pub fn east(self) -> f64 {
        f64::from(self.col + 1) / 10.0
    }

    /// The centre of the cell.
    pub fn centre(self) -> LatLon {
        LatLon {
            lat: (f64::from(self.row) + 0.5) / 10.0,
            lon: (f64::from(self.col) + 0.5) / 10.0,
        }
    }

    /// The corners, counter-clockwise from the south-west: SW, SE, NE, NW.
    pub fn corners(self) -> [LatLon; 4] {
        let (s, n, w, e) = (self.south(), self.north(), self.west(), self.east());
        [
            LatLon { lat: s, lon: w },
            LatLon { lat: s, lon: e },
            LatLon { lat: n, lon: e },
            LatLon { lat: n, lon: w },
        ]
    }
}

impl fmt::Display for GridCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.row, self.col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn positions_must_be_finite_wgs84_degrees() {
        assert!(LatLon::new(-8.55, 125.57).is_ok());
        assert!(LatLon::new(90.0, -180.0).is_ok());
        assert_eq!(
            LatLon::new(-90.1, 0.0),
            Err(GeoError::LatitudeOutOfRange(-90.1))
        );
        assert_eq!(
            LatLon::new(0.0, 180.5),
            Err(GeoError::LongitudeOutOfRange(180.5))
        );
        assert!(matches!(
            LatLon::new(f64::NAN, 0.0),
            Err(GeoError::NotFinite { .. })
        ));
        assert!(matches!(
            LatLon::new(0.0, f64::INFINITY),
            Err(GeoError::NotFinite { .. })
        ));
        // The UTM metres of the source boundaries are not degrees.
        assert!(LatLon::from_lon_lat((500000.0, -8.0)).is_err());
    }

    #[test]
    fn positions_are_checked_again_when_read_back() {
        assert!(
            LatLon::try_from(RawLatLon {
                lat: -95.0,
                lon: 1.0
            })
            .is_err()
        );
        let raw = RawLatLon::from(ll(-8.5, 125.5));
        assert_eq!(LatLon::try_from(raw), Ok(ll(-8.5, 125.5)));
    }

    #[test]
    fn haversine_from_dili_to_baucau_is_97_4_km() {
        // Dili (125.5736 E, 8.5569 S) to Baucau (126.4547 E, 8.4650 S): 97,432.39 m on the
        // sphere of radius 6,371,008.8 m (computed independently in double precision).
        let dili = ll(-8.5569, 125.5736);
        let baucau = ll(-8.4650, 126.4547);
        let d = haversine_m(dili, baucau);
        assert!((d - 97_432.39).abs() < 0.5, "{d}");
        assert!((dili.distance_m(baucau) - baucau.distance_m(dili)).abs() < 1e-9);
        assert_eq!(haversine_m(dili, dili), 0.0);
        // One degree of a meridian is R·π/180 = 111,195.08 m.
        let deg = haversine_m(ll(0.0, 10.0), ll(1.0, 10.0));
        assert!((deg - 111_195.08).abs() < 0.01, "{deg}");
        // Antipodes: half the circumference, no NaN.
        let half = haversine_m(ll(0.0, 0.0), ll(0.0, 180.0));
        assert!((half - std::f64::consts::PI * EARTH_MEAN_RADIUS_M).abs() < 1e-6);
        assert!((path_length_m(&[dili, baucau, dili]) - 2.0 * d).abs() < 1e-6);
        assert_eq!(path_length_m(&[dili]), 0.0);
    }

    fn square_with_hole() -> Polygon {
        // 125.0…126.0 E × 9.0…8.0 S, with a hole 125.4…125.6 E × 8.6…8.4 S.
        Polygon::new(
            vec![
                (125.0, -9.0),
                (126.0, -9.0),
                (126.0, -8.0),
                (125.0, -8.0),
                (125.0, -9.0),
            ],
            vec![vec![
                (125.4, -8.6),
                (125.4, -8.4),
                (125.6, -8.4),
                (125.6, -8.6),
            ]],
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_point_in_the_hole_of_a_polygon_is_outside_it() {
        let poly = square_with_hole();
        assert!(poly.contains(ll(-8.2, 125.2)));
        assert!(poly.contains(ll(-8.5, 125.3)));
        assert!(!poly.contains(ll(-8.5, 125.5)), "in the hole");
        assert!(!poly.contains(ll(-8.5, 126.5)), "east of it");
        assert!(!poly.contains(ll(-7.5, 125.5)), "north of it");
        let multi = MultiPolygon::new(vec![poly]).unwrap_or_else(|e| panic!("{e}"));
        assert!(multi.contains(ll(-8.2, 125.2)));
        assert!(!multi.contains(ll(-8.5, 125.5)));
    }

    #[test]
    fn rings_need_three_vertices_and_multipolygons_one_polygon() {
        let two = vec![(125.0, -9.0), (126.0, -9.0), (125.0, -9.0)];
        assert_eq!(Polygon::new(two, vec![]), Err(GeoError::RingTooShort(2)));
        let open_triangle = vec![(125.0, -9.0), (126.0, -9.0), (125.5, -8.0)];
        let t = Polygon::new(open_triangle, vec![]).unwrap_or_else(|e| panic!("{e}"));
        assert!(t.contains(ll(-8.8, 125.5)));
        assert_eq!(t.bbox(), (125.0, -9.0, 126.0, -8.0));
        assert_eq!(MultiPolygon::new(vec![]), Err(GeoError::Empty));
        assert_eq!(MultiPolygon::from_rings(vec![vec![]]), Err(GeoError::Empty));
        let m = MultiPolygon::from_rings(vec![vec![vec![
            (125.0, -9.0),
            (126.0, -9.0),
            (125.5, -8.0),
        ]]]);
        assert_eq!(m.map(|m| m.polygons().len()), Ok(1));
    }

    #[test]
    fn distance_to_the_edge_is_the_nearest_ring_in_metres() {
        let poly = square_with_hole();
        let m_per_deg = EARTH_MEAN_RADIUS_M * std::f64::consts::PI / 180.0;
        // 0.01° north of the south edge, far from the others: 0.01° of latitude.
        let d = poly.distance_to_edge_m(ll(-8.99, 125.2));
        assert!((d - 0.01 * m_per_deg).abs() < 0.01, "{d}");
        // 0.01° west of the east edge at −8.2: 0.01° of longitude × cos(8.2°).
        let d = poly.distance_to_edge_m(ll(-8.2, 125.99));
        let expected = 0.01 * m_per_deg * 8.2_f64.to_radians().cos();
        assert!((d - expected).abs() < 0.01, "{d} vs {expected}");
        // In the middle of the hole: 0.1° from each of its edges; the nearest is a side
        // of longitude (0.1° × cos 8.5°).
        let d = poly.distance_to_edge_m(ll(-8.5, 125.5));
        let expected = 0.1 * m_per_deg * 8.5_f64.to_radians().cos();
        assert!((d - expected).abs() < 0.01, "{d} vs {expected}");
        // Outside, beyond a corner: the distance to the corner, which the haversine agrees
        // with to well under 1 %.
        let outside = ll(-9.01, 126.01);
        let d = poly.distance_to_edge_m(outside);
        let exact = haversine_m(outside, ll(-9.0, 126.0));
        assert!((d - exact).abs() / exact < 0.01, "{d} vs {exact}");
    }

    #[test]
    fn grid_cells_floor_negative_coordinates_and_snap_exact_boundaries() {
        let c = GridCell::of(ll(-8.55, 125.57));
        assert_eq!((c.row(), c.col()), (-86, 1255));
        assert_eq!(c.to_string(), "-86:1255");
        assert!((c.south() + 8.6).abs() < 1e-12 && (c.north() + 8.5).abs() < 1e-12);
        assert!((c.west() - 125.5).abs() < 1e-12 && (c.east() - 125.6).abs() < 1e-12);
        let centre = c.centre();
        assert!((centre.lat() + 8.55).abs() < 1e-12 && (centre.lon() - 125.55).abs() < 1e-12);
        assert_eq!(GridCell::of(centre), c);
        let [sw, se, ne, nw] = c.corners();
        assert_eq!((sw.lat(), sw.lon()), (c.south(), c.west()));
        assert_eq!((se.lat(), se.lon()), (c.south(), c.east()));
        assert_eq!((ne.lat(), ne.lon()), (c.north(), c.east()));
        assert_eq!((nw.lat(), nw.lon()), (c.north(), c.west()));

        // Exact boundaries belong to the cell to their north and east, also where the
        // binary value of the decimal lies a hair below the boundary.
        assert_eq!(GridCell::of(ll(-8.3, 125.3)).row(), -83);
        assert_eq!(GridCell::of(ll(-8.3, 125.3)).col(), 1253);
        assert_eq!(GridCell::of(ll(0.7, 0.3)).row(), 7);
        assert_eq!(GridCell::of(ll(0.7 - 0.4, 0.0)).row(), 3);
        assert_eq!(GridCell::of(ll(-(0.7 - 0.4), 0.0)).row(), -3);
        assert_eq!(GridCell::of(ll(-8.3 - 1e-7, 0.0)).row(), -84);
        assert_eq!(GridCell::of(ll(0.0, -0.0)), GridCell { row: 0, col: 0 });
        assert_eq!(
            GridCell::of(ll(-0.05, -0.05)),
            GridCell { row: -1, col: -1 }
        );
        assert_eq!(GridCell::of(ll(-0.1, -0.1)), GridCell { row: -1, col: -1 });
        assert_eq!(GridCell::of(ll(-0.1000001, 0.0)).row(), -2);
        // Poles and the antimeridian.
        assert_eq!(
            GridCell::of(ll(90.0, 180.0)),
            GridCell {
                row: 899,
                col: -1800
            }
        );
        assert_eq!(
            GridCell::of(ll(-90.0, -180.0)),
            GridCell {
                row: -900,
                col: -1800
            }
        );
        assert_eq!(GridCell::from_indices(-86, 1255), Some(c));
        assert_eq!(GridCell::from_indices(900, 0), None);
    }
}
