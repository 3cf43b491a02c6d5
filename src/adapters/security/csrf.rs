//! CSRF protection: a synchronizer token bound to the session, checked on every
//! state-changing request, plus an Origin check (OWASP CSRF Prevention Cheat Sheet).
//!
//! Before login there is no session, and none is made for a visitor (a session row per
//! anonymous `GET /login` let anyone fill the table): the forms of the login and
//! set-password pages carry a token that a cookie of its own also carries, signed with the
//! session key (the cheat sheet's "signed double-submit cookie").

use actix_session::{Session, SessionExt};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage, HttpResponse, web};

/// The cookie of the token of a visitor without a session (plain HTTP; `__Host-` prefixed
/// when cookies are secure).
pub const PRELOGIN_COOKIE: &str = "tasi_csrf";

/// How the pre-login token's cookie is signed and sent: the session key, and whether the
/// cookie is `Secure` (HTTPS).
#[derive(Clone)]
pub struct PreloginCookies {
    key: Key,
    secure: bool,
}

impl PreloginCookies {
    /// Cookies signed with `key`, `Secure` when `secure`.
    pub fn new(key: Key, secure: bool) -> Self {
        PreloginCookies { key, secure }
    }

    fn name(&self) -> &'static str {
        if self.secure {
            "__Host-tasi_csrf"
        } else {
            PRELOGIN_COOKIE
        }
    }

    /// The token of the request's cookie when its signature holds.
    fn read(&self, req: &ServiceRequest) -> Option<String> {
        let cookie = req.cookie(self.name())?;
        let mut jar = CookieJar::new();
        jar.add_original(cookie.into_owned());
        jar.signed(&self.key)
            .get(self.name())
            .map(|c| c.value().to_string())
            .filter(|t| t.len() == 64)
    }

    /// The `Set-Cookie` value carrying `token`, signed.
    fn cookie(&self, token: &str) -> Option<String> {
        let mut jar = CookieJar::new();
        let mut c = Cookie::new(self.name(), token.to_string());
        c.set_path("/");
        c.set_http_only(true);
        c.set_secure(self.secure);
        c.set_same_site(SameSite::Strict);
        jar.signed_mut(&self.key).add(c);
        jar.delta().next().map(|c| c.encoded().to_string())
    }
}

/// The CSRF token of a visitor without a session, for the forms of a public page (put in
/// the request's extensions by [`csrf_guard`]).
#[derive(Debug, Clone)]
pub struct PreloginToken(pub String);

/// Session key of the token.
pub const CSRF_KEY: &str = "csrf";
/// Name of the hidden form field that carries the token.
pub const CSRF_FIELD: &str = "csrf_token";
/// Header that carries the token on JSON or multipart requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The session's CSRF token, created on first use (256 bits, hex).
pub fn token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(CSRF_KEY) {
        return t;
    }
    let t = super::random_hex(32).unwrap_or_default();
    if !t.is_empty() {
        let _ = session.insert(CSRF_KEY, &t);
    }
    t
}

/// Replaces the session's token (at login, so a token seen before login is worthless).
pub fn rotate(session: &Session) -> String {
    session.remove(CSRF_KEY);
    token(session)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn origin_matches(req: &ServiceRequest) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    let host = req.connection_info().host().to_string();
    origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/') == host)
        .unwrap_or(false)
}

/// Middleware: GET, HEAD and OPTIONS pass; any other method needs the session's token in
/// the form field `csrf_token` (URL-encoded forms) or the header `X-CSRF-Token`, and an
/// `Origin`, when sent, equal to the host. Otherwise 403, and the handler never runs.
///
/// # Errors
/// The inner service's errors, or a failure to read the request body.
pub async fn csrf_guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let session_token = req.get_session().get::<String>(CSRF_KEY).ok().flatten();
    let prelogin = req.app_data::<web::Data<PreloginCookies>>().cloned();
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let mut set_cookie = None;
        if let (None, Some(p)) = (&session_token, &prelogin)
            && !req.path().starts_with("/static/")
        {
            let token = match p.read(&req) {
                Some(t) => t,
                None => {
                    let t = super::random_hex(32).unwrap_or_default();
                    set_cookie = p.cookie(&t);
                    t
                }
            };
            req.extensions_mut().insert(PreloginToken(token));
        }
        let mut res = next.call(req).await?;
        if let Some(value) = set_cookie.and_then(|v| header::HeaderValue::from_str(&v).ok()) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
        return Ok(res.map_into_left_body());
    }
    let from_session = session_token.is_some();
    let expected = session_token.or_else(|| prelogin.and_then(|p| p.read(&req)));
    let mut given = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let body = req.extract::<Bytes>().await?;
        let pairs =
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).unwrap_or_default();
        if pairs
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Ok(req
                .into_response(super::input::refuse_nul())
                .map_into_right_body());
        }
        if given.is_none() {
            given = pairs
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v);
        }
        let (_, mut payload) = actix_http::h1::Payload::create(true);
        payload.unread_data(body);
        req.set_payload(payload.into());
    }
    let ok = match (&expected, &given) {
        (Some(e), Some(g)) => constant_time_eq(e.as_bytes(), g.as_bytes()),
        _ => false,
    } && origin_matches(&req);
    if !ok {
        let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
        tracing::warn!(%route, "request refused: missing or invalid CSRF token");
        let res = HttpResponse::Forbidden()
            .content_type("text/plain; charset=utf-8")
            .body("403 Forbidden: the form was missing its security token or it expired. Go back, reload the page and try again.");
        return Ok(req.into_response(res).map_into_right_body());
    }
    if let (false, Some(token)) = (from_session, expected) {
        // A public form answered again (a refused password) keeps the same token.
        req.extensions_mut().insert(PreloginToken(token));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
