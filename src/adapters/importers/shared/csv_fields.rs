//! Reading typed fields out of CSV records, with errors that name the column.

use chrono::NaiveDate;

/// Why a field could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The column's name.
    pub column: String,
    /// Why, in words.
    pub reason: String,
}

/// Column positions of a file's header, checked once per file.
#[derive(Debug, Clone)]
pub struct Header {
    names: Vec<String>,
    index: Vec<usize>,
}

impl Header {
    /// Finds each of `required` in `header`; the columns missing, if any.
    ///
    /// # Errors
    /// The list of required columns the header lacks.
    pub fn locate(header: &csv::StringRecord, required: &[&str]) -> Result<Self, Vec<String>> {
        let mut index = Vec::with_capacity(required.len());
        let mut missing = Vec::new();
        for name in required {
            match header
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}') == *name)
            {
                Some(i) => index.push(i),
                None => missing.push((*name).to_string()),
            }
        }
        if missing.is_empty() {
            Ok(Header {
                names: required.iter().map(|s| (*s).to_string()).collect(),
                index,
            })
        } else {
            Err(missing)
        }
    }

    /// Where required column `col` (an index into the `required` list given to
    /// [`Header::locate`]) is in the file's records.
    pub fn position(&self, col: usize) -> Option<usize> {
        self.index.get(col).copied()
    }

    fn get<'r>(&self, rec: &'r csv::StringRecord, col: usize) -> (&str, Option<&'r str>) {
        let name = self.names.get(col).map(String::as_str).unwrap_or("?");
        let value = self
            .index
            .get(col)
            .and_then(|&i| rec.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "NA");
        (name, value)
    }

    /// The text of column `col`, `None` when empty or `NA`.
    pub fn text(&self, rec: &csv::StringRecord, col: usize) -> Option<String> {
        self.get(rec, col).1.map(str::to_string)
    }

    /// A number, `None` when empty or `NA`.
    ///
    /// # Errors
    /// [`FieldError`] when the text is not a finite decimal number.
    pub fn f64(&self, rec: &csv::StringRecord, col: usize) -> Result<Option<f64>, FieldError> {
        let (name, value) = self.get(rec, col);
        match value {
            None => Ok(None),
            Some(v) => match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(FieldError {
                    column: name.to_string(),
                    reason: format!("`{v}` is not a number"),
                }),
            },
        }
    }

    /// A whole number (written `3` or `3.0`), `None` when empty or `NA`.
    ///
    /// # Errors
    /// [`FieldError`] when the text is not a whole number within `i64`.
    pub fn int(&self, rec: &csv::StringRecord, col: usize) -> Result<Option<i64>, FieldError> {
        let (name, value) = self.get(rec, col);
        let Some(v) = value else { return Ok(None) };
        if let Ok(i) = v.parse::<i64>() {
            return Ok(Some(i));
        }
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(Some(x as i64)),
            _ => Err(FieldError {
                column: name.to_string(),
                reason: format!("`{v}` is not a whole number"),
            }),
        }
    }

    /// A whole number that fits `T` (e.g. `i16` for a code).
    ///
    /// # Errors
    /// [`FieldError`] when not a whole number or out of `T`'s range.
    pub fn small<T: TryFrom<i64>>(
        &self,
        rec: &csv::StringRecord,
        col: usize,
    ) -> Result<Option<T>, FieldError> {
        match self.int(rec, col)? {
            None => Ok(None),
            Some(i) => T::try_from(i).map(Some).map_err(|_| FieldError {
                column: self.get(rec, col).0.to_string(),
                reason: format!("{i} is out of range"),
            }),
        }
    }

    /// A date written `YYYY-MM-DD`, `None` when empty or `NA`.
    ///
    /// # Errors
    /// [`FieldError`] when the text is not such a date.
    pub fn date(
        &self,
        rec: &csv::StringRecord,
        col: usize,
    ) -> Result<Option<NaiveDate>, FieldError> {
        let (name, value) = self.get(rec, col);
        match value {
            None => Ok(None),
            Some(v) => v.parse::<NaiveDate>().map(Some).map_err(|_| FieldError {
                column: name.to_string(),
                reason: format!("`{v}` is not a date written YYYY-MM-DD"),
            }),
        }
    }

    /// A yes/no written `1`/`0`, `TRUE`/`FALSE`, `yes`/`no`; `None` when empty or `NA`.
    ///
    /// # Errors
    /// [`FieldError`] for any other text.
    pub fn bool(&self, rec: &csv::StringRecord, col: usize) -> Result<Option<bool>, FieldError> {
        let (name, value) = self.get(rec, col);
        match value.map(str::to_ascii_lowercase).as_deref() {
            None => Ok(None),
            Some("1" | "true" | "yes" | "1.0") => Ok(Some(true)),
            Some("0" | "false" | "no" | "0.0") => Ok(Some(false)),
            Some(v) => Err(FieldError {
                column: name.to_string(),
                reason: format!("`{v}` is not 1/0 or true/false"),
            }),
        }
    }
}

/// The record as one CSV line, for showing a rejected row as it was.
pub fn raw_line(rec: &csv::StringRecord) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    if w.write_record(rec).is_err() {
        return rec.iter().collect::<Vec<_>>().join(",");
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .map(|s| s.trim_end_matches('\n').to_string())
        .unwrap_or_default()
}

/// Reads the CSV file at `path` whose header must hold `columns` (by name, in any order;
/// extra columns ignored) and calls `row` on each record with its line number (1 = header).
/// Returns the number of records read.
///
/// # Errors
/// [`SourceFileError`] when the file cannot be opened, the header lacks a column, or a
/// record is not valid CSV (with its line).
pub(crate) fn for_each_record(
    path: &std::path::Path,
    columns: &[&str],
    mut row: impl FnMut(&Header, &csv::StringRecord, u64),
) -> Result<u64, crate::application::shared::SourceFileError> {
    use crate::application::shared::SourceFileError;
    let shown = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| SourceFileError::Unreadable {
            file: shown.clone(),
            reason: e.to_string(),
        })?;
    let header = reader
        .headers()
        .map_err(|e| SourceFileError::Malformed {
            file: shown.clone(),
            line: 1,
            reason: e.to_string(),
        })?
        .clone();
    let h = Header::locate(&header, columns).map_err(|missing| SourceFileError::WrongHeader {
        file: shown.clone(),
        missing,
    })?;
    let mut rec = csv::StringRecord::new();
    let mut read = 0;
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut rec) {
            Ok(false) => return Ok(read),
            Ok(true) => {}
            Err(e) => {
                return Err(SourceFileError::Malformed {
                    file: shown,
                    line,
                    reason: e.to_string(),
                });
            }
        }
        read += 1;
        row(&h, &rec, rec.position().map_or(line, |p| p.line()));
    }
}

/// 64-bit FNV-1a over a record's source rows: recognises an unchanged landing on re-import
/// (Fowler–Noll–Vo, offset basis 0xcbf29ce484222325, prime 0x100000001b3).
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub(crate) fn text(&mut self, s: &str) {
        self.bytes(s.as_bytes());
        self.bytes(&[0x1e]);
    }

    pub(crate) fn record(&mut self, rec: &csv::StringRecord) {
        for f in rec {
            self.bytes(f.as_bytes());
            self.bytes(&[0x1f]);
        }
        self.bytes(&[0x1e]);
    }

    pub(crate) fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        let h = csv::StringRecord::from(vec!["a", "b", "c"]);
        Header::locate(&h, &["c", "a"]).unwrap_or_else(|m| panic!("{m:?}"))
    }

    #[test]
    fn missing_columns_are_named() {
        let h = csv::StringRecord::from(vec!["a", "b"]);
        assert_eq!(
            Header::locate(&h, &["a", "x", "y"]).err(),
            Some(vec!["x".to_string(), "y".to_string()])
        );
    }

    #[test]
    fn fields_are_typed_by_column_name() {
        let h = header();
        let rec = csv::StringRecord::from(vec!["3.0", "", "x"]);
        assert_eq!(h.int(&rec, 1), Ok(Some(3)));
        let e = h.int(&rec, 0);
        assert_eq!(e.map_err(|e| e.column), Err("c".to_string()));
        let rec = csv::StringRecord::from(vec!["NA", "", "2.5"]);
        assert_eq!(h.f64(&rec, 0), Ok(Some(2.5)));
        assert_eq!(h.f64(&rec, 1), Ok(None));
        assert!(h.int(&rec, 0).is_err());
        let rec = csv::StringRecord::from(vec!["2019-02-30", "", "2019-02-28"]);
        assert!(h.date(&rec, 0).is_ok());
        assert!(h.date(&rec, 1).is_err());
        assert_eq!(
            h.small::<i16>(&csv::StringRecord::from(vec!["", "", "70000"]), 0)
                .map_err(|e| e.reason),
            Err("70000 is out of range".into())
        );
    }

    #[test]
    fn raw_lines_quote_what_needs_quoting() {
        let rec = csv::StringRecord::from(vec!["1", "a,b", ""]);
        assert_eq!(raw_line(&rec), "1,\"a,b\",");
    }
}
