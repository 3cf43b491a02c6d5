//! Login and logout.

use actix_session::Session;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, Responder, http::header, web};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use super::AccessPages;
use crate::adapters::http::shared::caller::CurrentUser;
use crate::adapters::http::shared::errors::{failure, internal, internal_message};
use crate::adapters::http::shared::page::{client_addr, public_chrome};
use crate::adapters::http::shared::routes::Endpoint;
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::views::Chrome;
use crate::adapters::persistence::access::sessions::{AUTH_AT_KEY, SEEN_AT_KEY, USER_ID_KEY};
use crate::adapters::security::csrf;
use crate::application::access::authenticate;
use crate::application::shared::AuditEntry;

/// The routes of logging in and out.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::public_get("/login", login_form),
        Endpoint::public_post("/login", login),
        Endpoint::post("/logout", logout),
    ]
}

/// The login page.
#[derive(Template, WebTemplate)]
#[template(path = "access/login.html")]
pub struct LoginPage {
    /// Layout.
    pub chrome: Chrome,
    /// Where to go after login.
    pub next: String,
    /// The generic failure message, when a login failed.
    pub error: Option<String>,
    /// The e-mail typed, kept in the form.
    pub email: String,
    /// What just happened (the password changed, every session ended).
    pub notice: Option<&'static str>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    done: Option<String>,
}

/// Only local paths are followed after login (no open redirect, OWASP Unvalidated Redirects
/// and Forwards Cheat Sheet): a path that starts with exactly one `/` and holds no `\\`, no
/// control character and no whitespace (a browser drops a tab or a newline from a URL, so
/// `/\t/evil.example` would become `//evil.example`, another origin). Anything else is `/`.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

async fn login_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<NextQuery>,
) -> impl Responder {
    let mut page = login_page(&state, &req, q.next.as_deref(), None, String::new());
    page.notice = match q.done.as_deref() {
        Some("password") => {
            Some("Your password was changed and every session ended. Log in with the new password.")
        }
        Some("everywhere") => Some("Every session of yours ended, on every device."),
        _ => None,
    };
    page
}

fn login_page(
    state: &AppState,
    req: &HttpRequest,
    next: Option<&str>,
    error: Option<String>,
    email: String,
) -> LoginPage {
    LoginPage {
        chrome: public_chrome(state, req),
        next: safe_next(next),
        error,
        email,
        notice: None,
    }
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let addr = client_addr(&req);
    let peer = req.peer_addr().map(|a| a.ip());
    if let Err(wait) = state.throttle.check(&form.email, peer) {
        state
            .audit(
                AuditEntry::new("login.throttled")
                    .by(&form.email)
                    .from(addr)
                    .with("retry_after_s", wait),
            )
            .await;
        let minutes = wait.div_ceil(60);
        let page = login_page(
            &state,
            &req,
            form.next.as_deref(),
            Some(format!(
                "Too many attempts. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            )),
            form.email,
        );
        return match askama::Template::render(&page) {
            Ok(html) => HttpResponse::TooManyRequests()
                .insert_header((header::RETRY_AFTER, wait.to_string()))
                .content_type("text/html; charset=utf-8")
                .body(html),
            Err(e) => internal(&e),
        };
    }
    let (accounts, hasher) = (pages.accounts.clone(), state.hasher.clone());
    let (email, password) = (form.email.clone(), form.password);
    let result = crate::adapters::http::shared::support::blocking(move || {
        authenticate(accounts.as_ref(), hasher.as_ref(), &email, &password)
    })
    .await;
    match result {
        Ok(Ok(Some(user))) => {
            // Recorded first: a login the audit log cannot hold does not happen.
            let recorded = state
                .audit(
                    AuditEntry::new("login.succeeded")
                        .by(user.email.as_str())
                        .from(addr),
                )
                .await;
            if !recorded {
                return internal_message("the login could not be recorded in the audit log");
            }
            let now = state.clock.now();
            session.renew();
            let stored = session
                .insert(USER_ID_KEY, user.id)
                .and_then(|_| session.insert(AUTH_AT_KEY, now.timestamp_micros()))
                .and_then(|_| session.insert(SEEN_AT_KEY, now.timestamp()));
            if let Err(e) = stored {
                return internal(&e);
            }
            csrf::rotate(&session);
            tracing::info!(user_id = %user.id, "login succeeded");
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, safe_next(form.next.as_deref())))
                .finish()
        }
        Ok(Ok(None)) => {
            tracing::warn!("login failed");
            state.throttle.failed(&form.email, peer);
            if !state
                .audit(AuditEntry::new("login.failed").by(&form.email).from(addr))
                .await
            {
                return internal_message("the failed login could not be recorded in the audit log");
            }
            let page = login_page(
                &state,
                &req,
                form.next.as_deref(),
                Some("The e-mail or password is not right.".into()),
                form.email,
            );
            match askama::Template::render(&page) {
                Ok(html) => HttpResponse::Unauthorized()
                    .content_type("text/html; charset=utf-8")
                    .body(html),
                Err(e) => internal(&e),
            }
        }
        Ok(Err(e)) => failure(&e),
        Err(e) => internal(&e),
    }
}

async fn logout(req: HttpRequest, state: web::Data<AppState>, session: Session) -> HttpResponse {
    let who = req
        .extensions()
        .get::<CurrentUser>()
        .map(|c| c.user.email.to_string());
    session.purge();
    if let Some(email) = who {
        state
            .audit(AuditEntry::new("logout").by(&email).from(client_addr(&req)))
            .await;
    }
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/login"))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/landings?page=2")), "/landings?page=2");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/%09/evil.example")), "/%09/evil.example");
        assert_eq!(safe_next(Some("/landings\r\nSet-Cookie: x=1")), "/");
        assert_eq!(safe_next(Some("/ /evil.example")), "/");
        assert_eq!(safe_next(Some("/\u{a0}/evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
