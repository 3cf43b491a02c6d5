//! Input that no handler can store: a NUL character in a path or query string (PostgreSQL
//! text cannot hold it). Refused with 400 at the edge rather than failing in the database.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

/// The 400 answer to a request carrying a NUL character.
pub fn refuse_nul() -> HttpResponse {
    HttpResponse::BadRequest()
        .content_type("text/plain; charset=utf-8")
        .body("400 Bad Request: the request holds a NUL character, which no field may contain.")
}

/// True when the percent-decoded text holds a NUL character (`%00`).
pub fn holds_nul(raw: &str) -> bool {
    raw.contains('\0') || raw.to_ascii_lowercase().contains("%00")
}

/// Middleware: 400 for a path or query string holding a NUL character.
///
/// # Errors
/// The inner service's errors.
pub async fn refuse_nul_input(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if holds_nul(req.uri().path()) || holds_nul(req.query_string()) {
        let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
        tracing::warn!(%route, "request refused: NUL character");
        return Ok(req.into_response(refuse_nul()).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use super::holds_nul;

    #[test]
    fn nul_is_found_raw_and_percent_encoded() {
        assert!(holds_nul("municipality=%00"));
        assert!(holds_nul("flag=a%00b"));
        assert!(holds_nul("x\0"));
        assert!(!holds_nul("municipality=Atauro&page=2"));
        assert!(!holds_nul("q=%2500")); // an encoded "%00" text, not a NUL
    }
}
