//! Data products as CSV downloads: written in memory, sent only once the export is recorded
//! in the audit log (who, from where, which scope, what, how many rows).

use actix_web::{HttpRequest, HttpResponse, web};

use super::caller::CurrentUser;
use super::errors::{internal, internal_message};
use super::page::client_addr;
use super::state::AppState;
use crate::application::shared::AuditEntry;
use crate::domain::shared::AccessScope;

/// A cell as it may go into a CSV file that a spreadsheet will open: a text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so that the
/// spreadsheet shows it instead of running it as a formula (OWASP "CSV Injection"). A number
/// (`-12.5`, `+3`, `-1e-3`) stays as it is.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let number = cell
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && cell.parse::<f64>().is_ok();
    if risky && !number {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Writes one record of `cells` to `w`, each made [`spreadsheet_safe`].
///
/// # Errors
/// [`csv::Error`] when the record cannot be written.
pub fn write_safe_record<W: std::io::Write, S: AsRef<str>>(
    w: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = S>,
) -> Result<(), csv::Error> {
    w.write_record(
        cells
            .into_iter()
            .map(|c| spreadsheet_safe(c.as_ref()).into_owned()),
    )
}

/// `rows` (each a record of fields) as CSV, every cell [`spreadsheet_safe`].
///
/// # Errors
/// [`csv::Error`] when a record cannot be written.
pub fn write_csv(rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        write_safe_record(&mut w, r)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// What an export is, for its audit entry.
pub struct Export<'a> {
    /// The product, as its path names it (`landings/summary.csv`).
    pub what: &'a str,
    /// The file name the download is saved as.
    pub file: &'a str,
    /// Data rows sent.
    pub rows: usize,
    /// Further details (the filter chosen).
    pub details: Vec<(&'a str, String)>,
}

/// Answers `body` as the CSV download `export.file`, once the export is recorded in the
/// audit log (by `current`, from the request's address, at `scope`); 500, and nothing
/// sent, when it cannot be recorded.
pub async fn audited_csv(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    (scope, current): (&AccessScope, &CurrentUser),
    export: Export<'_>,
    body: Vec<u8>,
) -> HttpResponse {
    let scope_text: Vec<String> = scope.paths().iter().map(|p| p.to_string()).collect();
    let mut entry = AuditEntry::new("export")
        .by(current.user.email.as_str())
        .from(client_addr(req))
        .at(&scope_text.join(", "))
        .with("what", export.what);
    for (k, v) in export.details {
        entry = entry.with(k, v);
    }
    if !state.audit(entry.with("rows", export.rows)).await {
        return internal_message("the export could not be recorded in the audit log");
    }
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", export.file),
        ))
        .body(body)
}

/// Answers `rows` (a header, then the data) as the CSV download of `export` (its `rows`
/// are counted here), audited as [`audited_csv`] does.
pub async fn audited_table(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    who: (&AccessScope, &CurrentUser),
    export: Export<'_>,
    rows: &[Vec<String>],
) -> HttpResponse {
    let body = match write_csv(rows) {
        Ok(b) => b,
        Err(e) => return internal(&e),
    };
    let export = Export {
        rows: rows.len().saturating_sub(1),
        ..export
    };
    audited_csv(req, state, who, export, body).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_numbers_stay_numbers() {
        for risky in [
            "=HYPERLINK(\"http://x\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_safe(risky), format!("'{risky}"));
        }
        for plain in ["-12.5", "+3", "-1e-3", "0", "Atauro", "", "a=b", "12 kg"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }

    #[test]
    fn a_written_file_quotes_every_risky_cell() {
        let rows = vec![
            vec!["name".to_string(), "kg".to_string()],
            vec!["=1+1".to_string(), "-4.5".to_string()],
        ];
        let text = String::from_utf8(write_csv(&rows).unwrap_or_default()).unwrap_or_default();
        assert_eq!(text, "name,kg\n'=1+1,-4.5\n");
    }
}
