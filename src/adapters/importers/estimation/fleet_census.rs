//! Anti-corruption layer for PeskAAS `fleet_census.csv` (README of `../shared/data/peskaas`):
//! `municipality_code, municipality, fishers, canoes_beiro, motor_boats_johnson,
//! motor_boats_ketinting, motor_boats_yamaha, longline_boats`, one census area per row.
//! A census is a frame: a row that cannot be read stops the import (naming its line and
//! column), rather than leaving a partial fleet to raise estimates to.

use std::path::Path;
use std::sync::Arc;

use crate::application::estimation::census::{CensusImportError, import_census};
use crate::application::estimation::ports::EstimationTx;
use crate::application::ingestion::ports::{ImportFailure, ImportOutcome, Importer};
use crate::application::shared::{Caller, UnitOfWork};
use crate::domain::estimation::census::CensusArea;

/// The file's name in a PeskAAS directory.
pub const FILE: &str = "fleet_census.csv";

const COLUMNS: [&str; 7] = [
    "municipality",
    "fishers",
    "canoes_beiro",
    "motor_boats_johnson",
    "motor_boats_ketinting",
    "motor_boats_yamaha",
    "longline_boats",
];

/// Reads the census at `path`: each area with its line (1 = the header).
///
/// # Errors
/// A message naming the file, line and column of the first value that is not a count, a
/// missing column, an empty area name, or an area given twice.
pub fn read(path: &Path) -> Result<Vec<(u64, CensusArea)>, String> {
    let shown = path.display();
    let mut reader = csv::Reader::from_path(path).map_err(|e| format!("{shown}: {e}"))?;
    let header = reader
        .headers()
        .map_err(|e| format!("{shown}:1: {e}"))?
        .clone();
    let mut at = [0usize; COLUMNS.len()];
    for (i, name) in COLUMNS.iter().enumerate() {
        at[i] = header
            .iter()
            .position(|h| h.trim() == *name)
            .ok_or_else(|| format!("{shown}:1: the header has no column `{name}`"))?;
    }
    let mut areas: Vec<(u64, CensusArea)> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| format!("{shown}:{line}: {e}"))?;
        let text = |k: usize| record.get(at[k]).unwrap_or_default().trim();
        let count = |k: usize| -> Result<u32, String> {
            let v = text(k);
            v.parse::<u32>().map_err(|_| {
                format!(
                    "{shown}:{line}: {}: `{v}` is not a count of boats or fishers",
                    COLUMNS[k]
                )
            })
        };
        let name = text(0);
        if name.is_empty() {
            return Err(format!("{shown}:{line}: municipality: empty"));
        }
        if areas.iter().any(|(_, a)| a.area == name) {
            return Err(format!(
                "{shown}:{line}: municipality: `{name}` is given twice"
            ));
        }
        areas.push((
            line,
            CensusArea {
                area: name.to_string(),
                fishers: count(1)?,
                canoes: count(2)?,
                motor_johnson: count(3)?,
                motor_ketinting: count(4)?,
                motor_yamaha: count(5)?,
                longline: count(6)?,
            },
        ));
    }
    Ok(areas)
}

/// The importer of `fleet_census.csv` beside the PeskAAS tables (`tasi import peskaas
/// DIR`; skipped when the file is missing).
pub struct PeskaasFleetCensus<U>(pub Arc<U>);

impl<U> Importer for PeskaasFleetCensus<U>
where
    U: UnitOfWork,
    U::Tx: EstimationTx,
{
    fn source(&self) -> &'static str {
        "peskaas"
    }

    fn file(&self) -> Option<&'static str> {
        Some(FILE)
    }

    fn required(&self) -> bool {
        false
    }

    fn import(&self, caller: &Caller, location: &Path) -> Result<ImportOutcome, ImportFailure> {
        let path = if location.is_dir() {
            location.join(FILE)
        } else {
            location.to_path_buf()
        };
        let areas = read(&path).map_err(ImportFailure::input)?;
        let shown = path.display().to_string();
        match import_census(self.0.as_ref(), caller, &shown, &areas, "peskaas") {
            Ok(r) => Ok(ImportOutcome {
                lines: vec![format!(
                    "{FILE}: {} areas read, {} written, {} unchanged",
                    r.read, r.written, r.unchanged
                )],
            }),
            Err(CensusImportError::Store(e)) => Err(e.into()),
            Err(e) => Err(ImportFailure::input(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read;

    #[test]
    fn a_value_that_is_not_a_count_is_named_by_line_and_column() {
        let dir = std::env::temp_dir().join(format!("tasi-census-{}", uuid::Uuid::new_v4()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("fleet_census.csv");
        let header = "municipality_code,municipality,fishers,canoes_beiro,motor_boats_johnson,\
                      motor_boats_ketinting,motor_boats_yamaha,longline_boats\n";
        let _ = std::fs::write(
            &path,
            format!("{header}1,Viqueque,298,197,8,5,0,3\n2,Lautem,430,-4,26,27,0,55\n"),
        );
        let e = read(&path).err().unwrap_or_default();
        assert!(
            e.ends_with(":3: canoes_beiro: `-4` is not a count of boats or fishers"),
            "{e}"
        );
        let _ = std::fs::write(
            &path,
            format!("{header}1,Viqueque (Atauro),298,197,8,5,0,3\n"),
        );
        let areas = read(&path).unwrap_or_default();
        assert_eq!(areas.len(), 1);
        assert_eq!(areas[0].0, 2);
        assert_eq!(areas[0].1.municipalities(), vec!["Viqueque", "Atauro"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
