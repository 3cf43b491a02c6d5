//! The login guard: every path needs a logged-in user except the public ones.

use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, http::header, web};
use uuid::Uuid;

use super::session_store::USER_ID_KEY;
use crate::adapters::http::AppState;
use crate::domain::access::User;

/// Paths served without a login.
pub fn is_public(path: &str) -> bool {
    path == "/login" || path == "/healthz" || path.starts_with("/static/")
}

/// The logged-in user, put in the request's extensions by [`login_guard`].
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

/// Middleware: a request for a non-public path without a logged-in, enabled user is
/// redirected to `/login?next=PATH` (303). The user is loaded once per request.
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
    if let (Some(id), Some(state)) = (user_id, req.app_data::<web::Data<AppState>>().cloned()) {
        let found = web::block(move || state.users.by_id(id)).await;
        user = match found {
            Ok(Ok(Some(u))) if !u.disabled => Some(u),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "loading the session's user failed");
                None
            }
            _ => None,
        };
        if user.is_none() {
            session.purge();
        }
    }
    match user {
        Some(u) => {
            req.extensions_mut().insert(CurrentUser(u));
            next.call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        None if is_public(req.path()) => next
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
