//! Error pages: internal errors are logged with their chain and shown as a generic page.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode};
use askama::Template;

use crate::adapters::http::shared::views::{Chrome, ErrorPage};

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

/// Logs `err` and answers 500 with a generic page.
pub fn internal(err: &dyn std::fmt::Display) -> HttpResponse {
    tracing::error!(error = %err, "request failed");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The server could not answer. Try again in a moment; if it keeps happening, tell your administrator.",
    )
}
