//! The span every request is logged in: its method, the route it matched and its status,
//! never the path itself. A path can carry a credential (`/set-password/{token}`), and a
//! log line must never hold a token, a password, a session id or a cookie.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;

/// Builds the request span from the matched route's pattern (`/landings/{id}`); an
/// unmatched path is logged as `unmatched`. At the end of each request, one `info` line
/// (`warn` for a 5xx) says it was served, with its status.
pub struct RouteSpan;

impl RootSpanBuilder for RouteSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_string());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.status_code = tracing::field::Empty,
            request_id = %uuid::Uuid::new_v4(),
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(res) => res.status(),
            Err(e) => e.as_response_error().status_code(),
        };
        span.record("http.status_code", status.as_u16());
        // One line per request served (the access log), inside the span.
        let _inside = span.enter();
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), "request served");
        } else {
            tracing::info!(status = status.as_u16(), "request served");
        }
    }
}
