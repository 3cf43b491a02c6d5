//! Anti-corruption layer for the PeskAAS tables (`../shared/data/peskaas`, README there):
//! `municipalities.geojson`, `stations.csv`, `species.csv`, `trips.csv`, `catches.csv`.
//!
//! Everything is read and checked before anything is written: a file-level fault (a missing
//! file, a wrong header, a truncated or malformed file) is an error naming the file and line,
//! and nothing is imported. A row-level fault (an unreadable value, a catch line whose
//! landing is missing) rejects that row, and the whole landing when one of its catch lines
//! is rejected; the rest is imported.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::adapters::importers::shared::csv_fields::Fnv;
use crate::adapters::importers::shared::csv_fields::{FieldError, Header, raw_line};
use crate::application::geography::register_jurisdictions::NamedJurisdictions;
use crate::application::landings::import_landings::ImportBatch;
use crate::application::landings::ports::SourceLanding;
use crate::application::shared::RejectedRow;
use crate::application::shared::SourceFileError;
use crate::domain::geography::{Boundary, Jurisdiction, JurisdictionKind};
use crate::domain::landings::{
    CatchLine, CatchUse, Fishers, LandingId, LandingSiteRef, Species, SurveyedLanding,
};
use crate::domain::shared::JurisdictionPath;

/// The country of the PeskAAS data set: the root of the jurisdictions it creates.
pub const COUNTRY: &str = "Timor-Leste";
/// The source name stored with each landing.
pub const SOURCE: &str = "peskaas";

const MUNICIPALITIES: &str = "municipalities.geojson";
const STATIONS: &str = "stations.csv";
const SPECIES: &str = "species.csv";
const TRIPS: &str = "trips.csv";
const CATCHES: &str = "catches.csv";

const STATION_COLUMNS: [&str; 2] = ["station_code", "municipality"];
const SPECIES_COLUMNS: [&str; 3] = ["species_code", "common_name", "tetum_name"];
const TRIP_COLUMNS: [&str; 21] = [
    "trip_id",
    "date",
    "station_code",
    "habitat_code",
    "boat_code",
    "has_PDS",
    "IMEI",
    "gear_code",
    "mesh",
    "trip_hours",
    "men",
    "women",
    "children",
    "rel_effort",
    "trip_effort",
    "catch_value",
    "rank_code",
    "all_boats",
    "all_gleaners",
    "flag_code",
    "note",
];
const CATCH_COLUMNS: [&str; 8] = [
    "trip_id",
    "species_code",
    "length",
    "nfish",
    "weight_g",
    "food_sale",
    "flag_code",
    "note",
];

/// What a PeskAAS directory holds: the jurisdictions it names (geography registers them)
/// and the landings with their species (the landings context imports them).
#[derive(Debug, Clone)]
pub struct PeskaasDir {
    /// The country, municipalities (with boundaries) and landing sites.
    pub jurisdictions: NamedJurisdictions,
    /// Species, landings and catch lines, and every row refused (of any file).
    pub landings: ImportBatch,
}

/// Reads a PeskAAS directory into an import batch whose landings are stored under
/// `source` ([`SOURCE`] for real PeskAAS data, `synthetic` for the demo's generated set).
///
/// # Errors
/// [`SourceFileError`] for a file-level fault; row-level faults are in the batch's
/// `rejected` rows instead.
pub fn read_dir(dir: &Path, source: &str) -> Result<PeskaasDir, SourceFileError> {
    let mut named = NamedJurisdictions::default();
    let mut batch = ImportBatch {
        source: source.to_string(),
        location: dir.display().to_string(),
        ..ImportBatch::default()
    };
    let country =
        JurisdictionPath::root(COUNTRY).map_err(|e| malformed(dir, MUNICIPALITIES, 0, &e))?;
    batch.jurisdiction = country.to_string();
    named.country = country.to_string();
    let node = |path: JurisdictionPath, kind, code: Option<String>, boundary| {
        Jurisdiction::new(path, kind, code, boundary)
    };
    named.nodes.push((
        String::new(),
        node(country.clone(), JurisdictionKind::Country, None, None)
            .map_err(|e| malformed(dir, MUNICIPALITIES, 0, &e))?,
    ));

    // Municipalities and their boundaries.
    let shapes = read_municipalities(dir)?;
    named
        .rows_read
        .push((MUNICIPALITIES.into(), shapes.len() as u64));
    let mut municipalities: HashMap<String, JurisdictionPath> = HashMap::new();
    for (i, (name, boundary)) in shapes.into_iter().enumerate() {
        let path = country
            .child(&name)
            .map_err(|e| malformed(dir, MUNICIPALITIES, i as u64 + 1, &e))?;
        let j = node(
            path.clone(),
            JurisdictionKind::Municipality,
            None,
            Some(boundary),
        )
        .map_err(|e| malformed(dir, MUNICIPALITIES, i as u64 + 1, &e))?;
        municipalities.insert(name, path);
        named.nodes.push((MUNICIPALITIES.into(), j));
    }

    // Stations: landing sites, under their municipality when it is known.
    let mut sites: HashMap<String, LandingSiteRef> = HashMap::new();
    let (header, records) = read_csv(dir, STATIONS, &STATION_COLUMNS)?;
    named
        .rows_read
        .push((STATIONS.into(), records.len() as u64));
    for (line, rec) in &records {
        let Some(code) = header.text(rec, 0) else {
            batch.rejected.push(reject(
                STATIONS,
                *line,
                Some("station_code"),
                "no station code",
                rec,
            ));
            continue;
        };
        let municipality = header.text(rec, 1);
        let parent = match &municipality {
            Some(m) => match municipalities.get(m) {
                Some(p) => p.clone(),
                None => {
                    // A municipality the boundaries file does not know: a node without boundary.
                    let p = country
                        .child(m)
                        .map_err(|e| malformed(dir, STATIONS, *line, &e))?;
                    let j = node(p.clone(), JurisdictionKind::Municipality, None, None)
                        .map_err(|e| malformed(dir, STATIONS, *line, &e))?;
                    named.nodes.push((STATIONS.into(), j));
                    municipalities.insert(m.clone(), p.clone());
                    p
                }
            },
            None => country.clone(),
        };
        let path = match parent.child(&format!("Station {code}")) {
            Ok(p) => p,
            Err(e) => {
                batch.rejected.push(reject(
                    STATIONS,
                    *line,
                    Some("station_code"),
                    &e.to_string(),
                    rec,
                ));
                continue;
            }
        };
        if sites.contains_key(&code) {
            batch.rejected.push(reject(
                STATIONS,
                *line,
                Some("station_code"),
                &format!("station {code} is listed twice"),
                rec,
            ));
            continue;
        }
        let j = node(
            path.clone(),
            JurisdictionKind::LandingSite,
            Some(code.clone()),
            None,
        )
        .map_err(|e| malformed(dir, STATIONS, *line, &e))?;
        named.nodes.push((STATIONS.into(), j));
        sites.insert(
            code.clone(),
            LandingSiteRef {
                code,
                path,
                municipality,
            },
        );
    }

    // Species catalogue.
    let (header, records) = read_csv(dir, SPECIES, &SPECIES_COLUMNS)?;
    batch.species_file = (SPECIES.into(), records.len() as u64);
    for (line, rec) in &records {
        let species = header
            .int(rec, 0)
            .map_err(|e| (Some(e.column), e.reason))
            .and_then(|code| {
                let code = code.ok_or((
                    Some("species_code".to_string()),
                    "no species code".to_string(),
                ))?;
                Species::new(
                    code,
                    &header.text(rec, 1).unwrap_or_default(),
                    &header.text(rec, 2).unwrap_or_default(),
                )
                .map_err(|e| (Some("species_code".to_string()), e.to_string()))
            });
        match species {
            Ok(s) => batch.species.push(s),
            Err((col, reason)) => {
                batch
                    .rejected
                    .push(reject(SPECIES, *line, col.as_deref(), &reason, rec))
            }
        }
    }

    // Landings, then their catch lines.
    // The two large files are parsed side by side.
    let (trips_read, catches_read) = std::thread::scope(|s| {
        let trips = s.spawn(|| read_csv(dir, TRIPS, &TRIP_COLUMNS));
        let catches = read_csv(dir, CATCHES, &CATCH_COLUMNS);
        (trips.join(), catches)
    });
    let (th, trips) =
        trips_read.map_err(|_| malformed(dir, TRIPS, 0, &"the reader thread failed"))??;
    let (ch, catches) = catches_read?;
    batch.landings_file = (TRIPS.into(), trips.len() as u64);
    batch.catch_lines_file = (CATCHES.into(), catches.len() as u64);

    // trip_id → (line, landing, raw fingerprint text)
    let mut landings: BTreeMap<i64, (u64, SurveyedLanding, Fnv)> = BTreeMap::new();
    let mut order: Vec<i64> = Vec::new();
    for (line, rec) in &trips {
        match read_trip(&th, rec, &sites) {
            Ok(landing) => {
                if let Some((first, _, _)) = landings.get(&landing.source_id) {
                    let reason = format!(
                        "trip_id {} already appears on line {first}",
                        landing.source_id
                    );
                    batch
                        .rejected
                        .push(reject(TRIPS, *line, Some("trip_id"), &reason, rec));
                    continue;
                }
                let mut fp = Fnv::new();
                fp.record(rec);
                fp.text(landing.site.path.as_str());
                order.push(landing.source_id);
                landings.insert(landing.source_id, (*line, landing, fp));
            }
            Err(e) => batch
                .rejected
                .push(reject(TRIPS, *line, Some(&e.column), &e.reason, rec)),
        }
    }
    // Catch lines whose landing was rejected, and landings with a rejected catch line.
    let rejected_trip_ids: HashMap<i64, u64> = trips
        .iter()
        .filter_map(|(line, rec)| th.int(rec, 0).ok().flatten().map(|id| (id, *line)))
        .filter(|(id, line)| landings.get(id).is_none_or(|(l, _, _)| l != line))
        .collect();
    let mut spoiled: BTreeMap<i64, (u64, String)> = BTreeMap::new();
    let mut lines_of: LinesOf = HashMap::new();
    for (line, rec) in &catches {
        let trip_id = match ch.int(rec, 0) {
            Ok(Some(id)) => id,
            Ok(None) => {
                batch
                    .rejected
                    .push(reject(CATCHES, *line, Some("trip_id"), "no trip_id", rec));
                continue;
            }
            Err(e) => {
                batch
                    .rejected
                    .push(reject(CATCHES, *line, Some(&e.column), &e.reason, rec));
                continue;
            }
        };
        if !landings.contains_key(&trip_id) {
            let reason = match rejected_trip_ids.get(&trip_id) {
                Some(l) => {
                    format!("its landing (trip_id {trip_id}, {TRIPS} line {l}) was rejected")
                }
                None => format!("no landing with trip_id {trip_id} in {TRIPS}"),
            };
            batch
                .rejected
                .push(reject(CATCHES, *line, Some("trip_id"), &reason, rec));
            continue;
        }
        match read_catch_line(&ch, rec) {
            Ok(c) => lines_of
                .entry(trip_id)
                .or_default()
                .push((*line, rec, Some(c))),
            Err(e) => {
                batch
                    .rejected
                    .push(reject(CATCHES, *line, Some(&e.column), &e.reason, rec));
                spoiled.entry(trip_id).or_insert((*line, e.column.clone()));
                lines_of
                    .entry(trip_id)
                    .or_default()
                    .push((*line, rec, None));
            }
        }
    }
    for id in order {
        let Some((line, mut landing, mut fp)) = landings.remove(&id) else {
            continue;
        };
        let lines = lines_of.remove(&id).unwrap_or_default();
        if let Some((bad_line, column)) = spoiled.get(&id) {
            let trip_rec = trips.iter().find(|(l, _)| *l == line).map(|(_, r)| r);
            let reason =
                format!("its catch line on {CATCHES} line {bad_line} was rejected ({column})");
            if let Some(rec) = trip_rec {
                batch
                    .rejected
                    .push(reject(TRIPS, line, Some(column), &reason, rec));
            }
            for (l, rec, _) in lines.iter().filter(|(l, _, _)| l != bad_line) {
                let reason =
                    format!("its landing (trip_id {id}) was rejected with catch line {bad_line}");
                batch
                    .rejected
                    .push(reject(CATCHES, *l, Some("trip_id"), &reason, rec));
            }
            continue;
        }
        for (_, rec, c) in lines {
            fp.record(rec);
            landing.catch_lines.extend(c);
        }
        batch.landings.push(SourceLanding {
            landing,
            fingerprint: fp.hex(),
        });
    }
    batch
        .rejected
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    for file in [MUNICIPALITIES, STATIONS] {
        let n = batch.rejected.iter().filter(|r| r.file == file).count() as u64;
        named.rejected.push((file.to_string(), n));
    }
    Ok(PeskaasDir {
        jurisdictions: named,
        landings: batch,
    })
}

/// Catch lines by trip id: file line, record, and the line when it could be read.
type LinesOf<'a> = HashMap<i64, Vec<(u64, &'a csv::StringRecord, Option<CatchLine>)>>;

fn read_trip(
    h: &Header,
    rec: &csv::StringRecord,
    sites: &HashMap<String, LandingSiteRef>,
) -> Result<SurveyedLanding, FieldError> {
    let source_id = h.int(rec, 0)?.ok_or_else(|| FieldError {
        column: "trip_id".into(),
        reason: "no trip_id".into(),
    })?;
    let station = h.text(rec, 2).ok_or_else(|| FieldError {
        column: "station_code".into(),
        reason: "no station code: a landing needs its landing site".into(),
    })?;
    let site = sites.get(&station).cloned().ok_or_else(|| FieldError {
        column: "station_code".into(),
        reason: format!("station {station} is not in {STATIONS}"),
    })?;
    Ok(SurveyedLanding {
        id: LandingId::new(),
        source_id,
        date: h.date(rec, 1)?,
        site,
        habitat_code: h.small(rec, 3)?,
        boat_code: h.small(rec, 4)?,
        has_tracker: h.bool(rec, 5)?,
        imei: h.text(rec, 6),
        gear_code: h.small(rec, 7)?,
        mesh_inches: h.f64(rec, 8)?,
        hours_at_sea: h.f64(rec, 9)?,
        fishers: Fishers {
            men: h.small(rec, 10)?,
            women: h.small(rec, 11)?,
            children: h.small(rec, 12)?,
            total: h.f64(rec, 13)?,
        },
        fisher_hours: h.f64(rec, 14)?,
        catch_value_usd: h.f64(rec, 15)?,
        rank: h.small(rec, 16)?,
        boats_landing: h.small(rec, 17)?,
        gleaners: h.small(rec, 18)?,
        source_flag: h.small(rec, 19)?,
        note: h.text(rec, 20),
        catch_lines: Vec::new(),
    })
}

fn read_catch_line(h: &Header, rec: &csv::StringRecord) -> Result<CatchLine, FieldError> {
    let catch_use = match h.text(rec, 5) {
        None => None,
        Some(t) => Some(CatchUse::parse(&t).map_err(|e| FieldError {
            column: "food_sale".into(),
            reason: e.to_string(),
        })?),
    };
    Ok(CatchLine {
        species_code: h.small(rec, 1)?,
        length_cm: h.f64(rec, 2)?,
        count: h.f64(rec, 3)?,
        weight_g: h.f64(rec, 4)?,
        catch_use,
        source_flag: h.small(rec, 6)?,
        note: h.text(rec, 7),
    })
}

fn reject(
    file: &str,
    line: u64,
    column: Option<&str>,
    reason: &str,
    rec: &csv::StringRecord,
) -> RejectedRow {
    RejectedRow {
        file: file.to_string(),
        line,
        column: column.map(str::to_string),
        reason: reason.to_string(),
        raw: raw_line(rec),
    }
}

fn malformed(dir: &Path, file: &str, line: u64, e: &dyn std::fmt::Display) -> SourceFileError {
    SourceFileError::Malformed {
        file: dir.join(file).display().to_string(),
        line,
        reason: e.to_string(),
    }
}

fn path_of(dir: &Path, file: &str) -> PathBuf {
    dir.join(file)
}

/// Reads a whole CSV file after checking its header: its records with their line numbers.
fn read_csv(
    dir: &Path,
    file: &str,
    required: &[&str],
) -> Result<(Header, Vec<(u64, csv::StringRecord)>), SourceFileError> {
    let path = path_of(dir, file);
    let shown = path.display().to_string();
    let f = File::open(&path).map_err(|e| SourceFileError::Unreadable {
        file: shown.clone(),
        reason: e.to_string(),
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(std::io::BufReader::new(f));
    let header_rec = reader.headers().map_err(|e| SourceFileError::Malformed {
        file: shown.clone(),
        line: 1,
        reason: e.to_string(),
    })?;
    let header =
        Header::locate(header_rec, required).map_err(|missing| SourceFileError::WrongHeader {
            file: shown.clone(),
            missing,
        })?;
    let mut records = Vec::new();
    for rec in reader.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map(|p| p.line()).unwrap_or(0);
                records.push((line, r));
            }
            Err(e) => {
                let (line, reason) = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        pos,
                        expected_len,
                        len,
                    } => (
                        pos.as_ref().map(|p| p.line()).unwrap_or(0),
                        format!("expected {expected_len} fields, found {len}"),
                    ),
                    _ => (e.position().map(|p| p.line()).unwrap_or(0), e.to_string()),
                };
                return Err(SourceFileError::Malformed {
                    file: shown,
                    line,
                    reason,
                });
            }
        }
    }
    Ok((header, records))
}

#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: HashMap<String, serde_json::Value>,
    geometry: Geometry,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    Polygon {
        coordinates: Vec<Vec<Vec<f64>>>,
    },
    MultiPolygon {
        coordinates: Vec<Vec<Vec<Vec<f64>>>>,
    },
}

/// The municipalities of the boundaries file: (name, boundary) in file order.
fn read_municipalities(dir: &Path) -> Result<Vec<(String, Boundary)>, SourceFileError> {
    let path = path_of(dir, MUNICIPALITIES);
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| SourceFileError::Unreadable {
        file: shown.clone(),
        reason: e.to_string(),
    })?;
    let fc: FeatureCollection =
        serde_json::from_str(&text).map_err(|e| SourceFileError::Malformed {
            file: shown.clone(),
            line: e.line() as u64,
            reason: format!("not a GeoJSON FeatureCollection of polygons: {e}"),
        })?;
    let mut out = Vec::new();
    for (i, f) in fc.features.into_iter().enumerate() {
        let bad = |reason: String| SourceFileError::Malformed {
            file: shown.clone(),
            line: 0,
            reason: format!("feature {}: {reason}", i + 1),
        };
        let name = f
            .properties
            .get("municipality")
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("no `municipality` property".into()))?
            .to_string();
        let polygons = match f.geometry {
            Geometry::Polygon { coordinates } => vec![coordinates],
            Geometry::MultiPolygon { coordinates } => coordinates,
        };
        let polygons: Vec<Vec<Vec<(f64, f64)>>> = polygons
            .into_iter()
            .map(|poly| {
                poly.into_iter()
                    .map(|ring| {
                        ring.into_iter()
                            .map(|p| {
                                (
                                    p.first().copied().unwrap_or(f64::NAN),
                                    p.get(1).copied().unwrap_or(f64::NAN),
                                )
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let boundary = Boundary::new(polygons).map_err(|e| bad(format!("{name}: {e}")))?;
        out.push((name, boundary));
    }
    Ok(out)
}
