//! What every page handler does first: find the caller and the scope of their permission
//! (refusing, and auditing, a caller without it), build the layout; and render the page.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;

use super::caller::CurrentUser;
use super::errors::{internal, page};
use super::state::AppState;
use super::views::Chrome;
use crate::adapters::security::csrf;
use crate::application::shared::{AuditEntry, Caller};
use crate::domain::access::Permission;
use crate::domain::shared::AccessScope;

/// The caller, the scope in which they may act with `permission`, and the layout with
/// `active` highlighted. A caller without that permission anywhere gets 403, and the
/// refusal is audited.
///
/// # Errors
/// The refusal to answer: 401 without a logged-in user, 403 without the permission.
pub async fn context(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &Session,
    active: &'static str,
    permission: Permission,
) -> Result<(AccessScope, Chrome, CurrentUser), HttpResponse> {
    let current = req.extensions().get::<CurrentUser>().cloned();
    let Some(current) = current else {
        return Err(page(
            StatusCode::UNAUTHORIZED,
            "Log in first",
            "Your session has ended.",
        ));
    };
    if !current.grants.any(permission) {
        let route = req
            .match_pattern()
            .unwrap_or_else(|| req.path().to_string());
        if state
            .refusals
            .first_this_minute(current.user.id, &route, state.clock.now())
            && !state
                .audit(
                    AuditEntry::new("authorisation.denied")
                        .by(current.user.email.as_str())
                        .from(client_addr(req))
                        .with("path", req.path())
                        .with("needs", format!("{permission:?}")),
                )
                .await
        {
            return Err(super::errors::internal_message(
                "the refusal could not be recorded in the audit log",
            ));
        }
        return Err(page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Your role does not allow this. Ask an administrator if you need it.",
        ));
    }
    Ok((
        current.grants.scope(permission),
        state.chrome(&current, session, active),
        current,
    ))
}

/// The 404 for a record `what` = `id` that the caller's scope did not show: answered at
/// once, whether the record exists elsewhere or not, so that the time of the answer tells
/// nothing (a refused id answered 12-13 ms against 8 ms for an unknown one before). After
/// the answer, `exists_anywhere` is asked and, when the record exists outside the scope, the
/// attempt is audited as `authorisation.denied` (once per user, route and minute).
pub fn unseen_record(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    current: &CurrentUser,
    (what, id): (&'static str, String),
    exists_anywhere: impl FnOnce() -> Result<bool, crate::application::shared::StoreError>
    + Send
    + 'static,
) -> HttpResponse {
    let state = state.clone();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| req.path().to_string());
    let entry = AuditEntry::new("authorisation.denied")
        .by(current.user.email.as_str())
        .from(client_addr(req))
        .with("path", req.path())
        .with(what, &id);
    let user = current.user.id;
    actix_web::rt::spawn(async move {
        if let Ok(Ok(true)) =
            crate::adapters::http::shared::support::blocking(exists_anywhere).await
            && state
                .refusals
                .first_this_minute(user, &route, state.clock.now())
        {
            state.audit(entry).await;
        }
    });
    super::errors::not_found_page()
}

/// The layout of a page nobody is logged in to (the login form, a set-password link): its
/// forms carry the visitor's pre-login token, and no session is started.
pub fn public_chrome(state: &AppState, req: &HttpRequest) -> Chrome {
    let csrf = req
        .extensions()
        .get::<csrf::PreloginToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    Chrome {
        user: None,
        csrf,
        synthetic: state.synthetic,
        active: "",
        nav: state.nav.clone(),
    }
}

/// The caller of a use case: the logged-in user acting within `scope`, from the request's
/// address.
pub fn caller_of(req: &HttpRequest, current: &CurrentUser, scope: &AccessScope) -> Caller {
    Caller::user(current.user.id, current.user.email.as_str(), scope.clone())
        .from_addr(client_addr(req))
}

/// The client's address as the server saw it (no proxy header is trusted).
pub fn client_addr(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

/// Renders `t` as a 200 page (500 when it cannot be rendered).
pub fn render(t: &impl Template) -> HttpResponse {
    render_with(StatusCode::OK, t)
}

/// Renders `t` with `status` (500 when it cannot be rendered).
pub fn render_with(status: StatusCode, t: &impl Template) -> HttpResponse {
    match t.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => internal(&e),
    }
}

/// A 303 to `location`.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location.to_string()))
        .finish()
}

/// The layout's CSRF token of `session` (for handlers that build their own chrome).
pub fn csrf_token(session: &Session) -> String {
    csrf::token(session)
}
