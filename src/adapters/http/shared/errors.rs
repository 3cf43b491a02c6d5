//! Error pages, and the one place where a failure's kind becomes a status code: a row not
//! found is 404, a conflict 409, a transient failure 503 (with `Retry-After`), anything
//! else 500. Every failure is logged with its whole chain; users see a generic page.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::views::{Chrome, ErrorPage};
use crate::application::shared::{ErrorKind, StoreFailure, chain};

/// Seconds a client is asked to wait after a transient failure.
pub const RETRY_AFTER_S: u32 = 5;

/// An error page of `status` with `title` and `message`.
pub fn page(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    let html = ErrorPage {
        chrome: Chrome::default(),
        status: status.as_u16(),
        title: title.into(),
        message: message.into(),
    }
    .render()
    .unwrap_or_else(|_| title.to_string());
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html)
}

/// 404 for anything unknown, or outside the caller's scope.
pub fn not_found_page() -> HttpResponse {
    page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is nothing here, or you may not see it.",
    )
}

/// The default service: 404.
pub async fn not_found(_req: HttpRequest) -> HttpResponse {
    not_found_page()
}

/// The status code a failure of `kind` answers with.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Transient => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Permanent => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The page for a use case's failure that no handler answered otherwise: its storage
/// failure's kind decides the status ([`status_of`]); without one, 500. Logged with its
/// whole chain.
pub fn failure<E: StoreFailure + std::error::Error + 'static>(err: &E) -> HttpResponse {
    let Some(kind) = err.store_error().map(|s| s.kind()) else {
        return internal(err);
    };
    let status = status_of(kind);
    match kind {
        ErrorKind::Transient => {
            tracing::warn!(error = %chain(err), kind = kind.name(), "request failed");
            let mut r = page(
                status,
                "Try again in a moment",
                "The server is busy or could not reach its database. Try again in a moment.",
            );
            if let Ok(v) = header::HeaderValue::from_str(&RETRY_AFTER_S.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        ErrorKind::NotFound => {
            tracing::info!(error = %chain(err), kind = kind.name(), "request failed");
            not_found_page()
        }
        ErrorKind::Conflict => {
            tracing::warn!(error = %chain(err), kind = kind.name(), "request failed");
            page(
                status,
                "Changed meanwhile",
                "What you asked for conflicts with a change made meanwhile. Reload the page and try again.",
            )
        }
        ErrorKind::Permanent => internal(err),
    }
}

/// Logs `err` with its chain and answers 500 with a generic page.
pub fn internal(err: &(dyn std::error::Error + 'static)) -> HttpResponse {
    tracing::error!(error = %chain(err), "request failed");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The server could not answer. Try again in a moment; if it keeps happening, tell your administrator.",
    )
}

/// Logs `message` and answers 500 with a generic page.
pub fn internal_message(message: &str) -> HttpResponse {
    tracing::error!(error = message, "request failed");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The server could not answer. Try again in a moment; if it keeps happening, tell your administrator.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::shared::StoreError;

    #[test]
    fn each_kind_of_failure_answers_its_status() {
        let answer = |kind| failure(&StoreError::new(kind, "x")).status();
        assert_eq!(answer(ErrorKind::NotFound), StatusCode::NOT_FOUND);
        assert_eq!(answer(ErrorKind::Conflict), StatusCode::CONFLICT);
        assert_eq!(
            answer(ErrorKind::Transient),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            answer(ErrorKind::Permanent),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let r = failure(&StoreError::new(ErrorKind::Transient, "x"));
        assert_eq!(
            r.headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("5")
        );
    }
}
