//! Quality flags by rule, and past imports with their rejected rows.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::LandingsPages;
use super::views::*;
use crate::adapters::http::landings::out_of_scope;
use crate::adapters::http::shared::errors::not_found_page;
use crate::adapters::http::shared::page::render;
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::views::int;
use crate::application::landings::ports::ImportRecord;
use crate::domain::access::Permission;

pub(super) async fn flags_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "flags");
    let queries = pages.queries.clone();
    let rules = block!(queries.flag_counts(&scope));
    render(&FlagsPage {
        chrome,
        rules: rules
            .into_iter()
            .map(|r| RuleRow {
                code: r.code,
                severity: r.severity,
                landings: int(r.landings),
            })
            .collect(),
    })
}

fn import_row(r: &ImportRecord) -> ImportRow {
    ImportRow {
        id: r.id.to_string(),
        started: r.started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        by: r.started_by.clone(),
        source: format!("{} ({})", r.source, r.location),
        tables: r
            .counts
            .iter()
            .map(|t| {
                format!(
                    "{}: {} read, {} imported, {} unchanged, {} rejected",
                    t.table,
                    int(t.read as i64),
                    int(t.imported as i64),
                    int(t.unchanged as i64),
                    int(t.rejected as i64)
                )
            })
            .collect(),
        rejected: r.counts.iter().map(|t| t.rejected).sum(),
    }
}

pub(super) async fn imports_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "imports", Permission::Import);
    let queries = pages.queries.clone();
    let imports = block!(queries.imports(&scope));
    render(&ImportsPage {
        chrome,
        imports: imports.iter().map(import_row).collect(),
    })
}

/// Rejected rows shown on one import's page.
const REJECTED_SHOWN: i64 = 1000;

pub(super) async fn import_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
    id: web::Path<String>,
) -> HttpResponse {
    let (scope, chrome, current) = ctx!(
        req,
        state,
        session,
        "imports",
        Permission::Import,
        with_user
    );
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found_page();
    };
    let queries = pages.queries.clone();
    let found = block!(queries.import(&scope, id).and_then(|i| match i {
        Some(i) => Ok(Some((
            i,
            queries.rejected_rows(&scope, id, REJECTED_SHOWN + 1)?
        ))),
        None => Ok(None),
    }));
    let Some((import, rows)) = found else {
        return out_of_scope(&req, &state, &pages, &current, "import", id).await;
    };
    let truncated = rows.len() as i64 > REJECTED_SHOWN;
    render(&ImportPage {
        chrome,
        import: import_row(&import),
        truncated,
        rows: rows
            .into_iter()
            .take(REJECTED_SHOWN as usize)
            .map(|r| RejectedRowView {
                file: r.file,
                line: r.line,
                column: r.column.unwrap_or_default(),
                reason: r.reason,
                raw: r.raw,
            })
            .collect(),
    })
}
