//! The audit log page, with its filters and pages.

use chrono::NaiveDate;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::views::{AdminAuditPage, AuditRow, KNOWN_ACTIONS};
use super::{AccessPages, admin_ctx, blocking, render};
use crate::adapters::http::shared::errors::internal;
use crate::adapters::http::shared::state::AppState;
use crate::application::access::admin::audit_entries;
use crate::application::access::ports::AuditFilter;

#[derive(Deserialize, Default)]
pub(super) struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    jurisdiction: Option<String>,
    page: Option<String>,
}

fn trimmed(s: &Option<String>) -> String {
    s.as_deref().map(str::trim).unwrap_or_default().to_string()
}

fn nonempty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn day(s: &str, name: &str) -> Result<Option<NaiveDate>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("{name}: write the day as YYYY-MM-DD (UTC), e.g. 2026-11-21"))
}

pub(super) async fn audit_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    q: web::Query<AuditQuery>,
) -> HttpResponse {
    let ctx = admin_ctx!(req, state, session);
    let (actor, action, from, to, jurisdiction) = (
        trimmed(&q.actor),
        trimmed(&q.action),
        trimmed(&q.from),
        trimmed(&q.to),
        trimmed(&q.jurisdiction),
    );
    let page_no = trimmed(&q.page)
        .parse::<u64>()
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let dates = day(&from, "From").and_then(|f| Ok((f, day(&to, "To")?)));
    let query = serde_urlencoded::to_string(
        [
            ("actor", &actor),
            ("action", &action),
            ("from", &from),
            ("to", &to),
            ("jurisdiction", &jurisdiction),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let (entries, more, error, status) = match dates {
        Err(msg) => (Vec::new(), false, Some(msg), StatusCode::BAD_REQUEST),
        Ok((from_day, to_day)) => {
            let filter = AuditFilter {
                actor: nonempty(&actor),
                action: nonempty(&action),
                from: from_day,
                to: to_day,
                jurisdiction: nonempty(&jurisdiction),
            };
            let admin = ctx.admin.clone();
            match admin_block!(state, pages, move |p| audit_entries(
                p.queries, &admin, &filter, page_no
            )) {
                Ok(found) => (found.entries, found.more, None, StatusCode::OK),
                Err(e) => return internal(&e),
            }
        }
    };
    render(
        status,
        &AdminAuditPage {
            chrome: ctx.chrome,
            entries: entries
                .into_iter()
                .map(|e| AuditRow {
                    at: e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    actor: e.actor,
                    action: e.action,
                    jurisdiction: e.jurisdiction.unwrap_or_default(),
                    client_addr: e.client_addr.unwrap_or_default(),
                    details: e
                        .details
                        .into_iter()
                        .map(|(k, v)| format!("{k} = {v}"))
                        .collect(),
                })
                .collect(),
            actor,
            action,
            from,
            to,
            jurisdiction,
            actions: KNOWN_ACTIONS.to_vec(),
            page: page_no,
            more,
            query,
            error,
        },
    )
}
