//! The login guard: every route needs a logged-in user except the ones the route table
//! marks public.

use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, http::header, web};
use uuid::Uuid;

use super::AccessPages;
use crate::adapters::http::shared::caller::CurrentUser;
use crate::adapters::http::shared::state::AppState;
use crate::adapters::persistence::access::sessions::{
    AUTH_AT_KEY, SEEN_AT_KEY, USER_ID_KEY, loaded_principal,
};
use crate::application::shared::AuditEntry;

/// Idle lifetime of a session without a request (OWASP ASVS 5.0 V7.3.1).
pub const SESSION_IDLE_LIMIT: chrono::Duration = chrono::Duration::minutes(30);
/// Absolute lifetime of a session from login (ASVS V7.3.2).
pub const SESSION_ABSOLUTE_LIMIT: chrono::Duration = chrono::Duration::hours(8);

/// True when the request may be served without a login: it matched a route the route table
/// marks public, or asks for a static file.
fn is_public(req: &ServiceRequest, state: Option<&AppState>) -> bool {
    if req.path().starts_with("/static/") {
        return true;
    }
    match (state, req.match_pattern()) {
        (Some(state), Some(pattern)) => state.public.allows(req.method(), &pattern),
        _ => false,
    }
}

/// How old the session's "last seen" instant may grow before a request writes it again.
pub const SEEN_AT_STEP_SECONDS: i64 = 60;

/// Middleware: a request for a non-public route without a logged-in, enabled user is
/// redirected to `/login?next=PATH` (303). The user and their grants are loaded once per
/// request; a session that began before the user's `sessions_valid_after` is ended. A
/// session idle for more than 30 minutes, or older than 8 hours since login, is ended on the
/// server (by the application's clock).
///
/// # Errors
/// The inner service's errors.
pub async fn login_guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let session = req.get_session();
    let user_id = session.get::<Uuid>(USER_ID_KEY).ok().flatten();
    let mut user = None;
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let pages = req.app_data::<web::Data<AccessPages>>().cloned();
    if let (Some(id), Some(state), Some(pages)) = (user_id, state.clone(), pages) {
        let now = state.clock.now().timestamp();
        let auth_at_us = session.get::<i64>(AUTH_AT_KEY).ok().flatten().unwrap_or(0);
        let login_at = chrono::DateTime::from_timestamp_micros(auth_at_us).unwrap_or_default();
        let seen_at = session.get::<i64>(SEEN_AT_KEY).ok().flatten().unwrap_or(0);
        let expired = if now - login_at.timestamp() > SESSION_ABSOLUTE_LIMIT.num_seconds() {
            Some("absolute")
        } else if now - seen_at > SESSION_IDLE_LIMIT.num_seconds() {
            Some("idle")
        } else {
            None
        };
        if let Some(kind) = expired {
            session.purge();
            state
                .audit(
                    AuditEntry::new("session.expired")
                        .by(&id.to_string())
                        .with("timeout", kind),
                )
                .await;
        } else {
            // The session store loaded the user and grants with the session (one query);
            // read them here only when it did not.
            let found = match loaded_principal(&session) {
                Some(p) if p.0.id == id => Ok(Ok(Some(p))),
                _ => {
                    let users = pages.accounts.clone();
                    crate::adapters::http::shared::support::blocking(move || users.with_grants(id))
                        .await
                }
            };
            user = match found {
                // Disabled, or every session voided after this one began (logout everywhere,
                // a password change or reset, a grant change).
                Ok(Ok(Some((u, grants)))) if u.admits_session_from(login_at) => {
                    Some(CurrentUser { user: u, grants })
                }
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "loading the session's user failed");
                    None
                }
                _ => None,
            };
            if user.is_none() {
                session.purge();
            } else if now - seen_at >= SEEN_AT_STEP_SECONDS {
                // Written once a minute at most: a request that changes nothing writes no
                // session row (the idle limit is measured to the minute).
                let _ = session.insert(SEEN_AT_KEY, now);
            }
        }
    }
    match user {
        Some(u) => {
            req.extensions_mut().insert(u);
            next.call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        None if is_public(&req, state.as_ref().map(|s| s.get_ref())) => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        None => {
            let target = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            let location = format!(
                "/login?next={}",
                serde_urlencoded::to_string([("", target)])
                    .map(|s| s.trim_start_matches('=').to_string())
                    .unwrap_or_default()
            );
            let res = HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish();
            Ok(req.into_response(res).map_into_right_body())
        }
    }
}
