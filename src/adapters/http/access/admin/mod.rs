//! Admin pages of the access context: users, their grants and sessions, one-time
//! set-password links, and the audit log. Every `/admin` route needs
//! `Permission::ManageUsers` and acts inside the admin's scope; `/set-password/{token}` is
//! public (the token is the credential).

use actix_session::Session;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::AccessPages;
use crate::adapters::http::shared::caller::CurrentUser;
use crate::adapters::http::shared::errors::{failure, internal, not_found_page, page};
use crate::adapters::http::shared::page::{client_addr, render_with};
use crate::adapters::http::shared::routes::Endpoint;
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::views::Chrome;
use crate::adapters::persistence::shared::DieselUnitOfWork;
use crate::adapters::security::password_strength::ZxcvbnStrength;
use crate::adapters::security::random_hex;
use crate::application::access::Credentials;
use crate::application::access::admin::{
    AdminError, AdminPorts, Administrator, IssuedLink, LinkToken, when,
};
use crate::application::shared::AuditEntry;
use crate::domain::access::Permission;

use self::views::LinkPage;

/// The routes of the admin pages and of set-password links.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::get("/admin", users::admin_home),
        Endpoint::get("/admin/users", users::users_page),
        Endpoint::post("/admin/users", users::create_user_action),
        Endpoint::get("/admin/users/{id}", users::user_page),
        Endpoint::post("/admin/users/{id}/grants", users::add_grant_action),
        Endpoint::post(
            "/admin/users/{id}/grants/remove",
            users::remove_grant_action,
        ),
        Endpoint::post("/admin/users/{id}/disable", users::disable_action),
        Endpoint::post("/admin/users/{id}/enable", users::enable_action),
        Endpoint::post("/admin/users/{id}/reset", users::reset_action),
        Endpoint::post("/admin/sessions/revoke", users::revoke_action),
        Endpoint::get("/admin/audit", audit::audit_page),
        Endpoint::public_get("/set-password/{token}", links::set_password_form),
        Endpoint::public_post("/set-password/{token}", links::set_password_action),
    ]
}

fn render(status: StatusCode, t: &impl askama::Template) -> HttpResponse {
    render_with(status, t)
}

fn see_other(location: &str) -> HttpResponse {
    crate::adapters::http::shared::page::see_other(location)
}

/// Runs `f` on the admin ports off the async workers (database work and argon2id hashing).
pub(super) async fn blocking<T: Send + 'static>(
    state: &AppState,
    pages: &AccessPages,
    f: impl FnOnce(&AdminPorts<'_, DieselUnitOfWork>) -> T + Send + 'static,
) -> Result<T, HttpResponse> {
    let (uow, accounts, directory, queries, hasher, clock) = (
        state.uow.clone(),
        pages.accounts.clone(),
        pages.directory.clone(),
        pages.admin.clone(),
        state.hasher.clone(),
        state.clock.clone(),
    );
    crate::adapters::http::shared::support::blocking(move || {
        f(&AdminPorts {
            uow: uow.as_ref(),
            accounts: accounts.as_ref(),
            directory: directory.as_ref(),
            queries: queries.as_ref(),
            credentials: Credentials {
                hasher: hasher.as_ref(),
                strength: &ZxcvbnStrength,
            },
            clock: clock.as_ref(),
        })
    })
    .await
    .map_err(|e| internal(&e))
}

/// The admin calling and the layout.
pub(super) struct Ctx {
    pub(super) admin: Administrator,
    pub(super) chrome: Chrome,
}

/// The caller as an admin; 403 (audited as `authorisation.denied`) without
/// `Permission::ManageUsers`.
pub(super) async fn admin_ctx(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
) -> Result<Ctx, HttpResponse> {
    let current = req.extensions().get::<CurrentUser>().cloned();
    let Some(current) = current else {
        return Err(see_other("/login"));
    };
    let email = current.user.email.to_string();
    if !current.grants.any(Permission::ManageUsers) {
        state
            .audit(
                AuditEntry::new("authorisation.denied")
                    .by(&email)
                    .from(client_addr(req))
                    .with("path", req.path())
                    .with("needs", format!("{:?}", Permission::ManageUsers)),
            )
            .await;
        return Err(page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Only administrators manage users and read the audit log.",
        ));
    }
    Ok(Ctx {
        admin: Administrator {
            user_id: current.user.id,
            email: email.clone(),
            scope: current.grants.scope(Permission::ManageUsers),
            client_addr: client_addr(req),
        },
        chrome: state.chrome(&current, session, "admin"),
    })
}

macro_rules! admin_ctx {
    ($req:expr, $state:expr, $session:expr) => {
        match admin_ctx(&$req, &$state, &$session).await {
            Ok(c) => c,
            Err(r) => return r,
        }
    };
}

macro_rules! admin_block {
    ($state:expr, $pages:expr, $f:expr) => {
        match blocking(&$state, &$pages, $f).await {
            Ok(v) => v,
            Err(r) => return r,
        }
    };
}

/// The answer to a refused admin command. Attempts on users, sessions or jurisdictions
/// outside the admin's scope are audited as `authorisation.denied` when they change state.
pub(super) async fn refused(
    req: &HttpRequest,
    state: &AppState,
    admin: &Administrator,
    e: AdminError,
) -> HttpResponse {
    if matches!(
        e,
        AdminError::UnknownUser | AdminError::UnknownSession | AdminError::OutsideScope(_)
    ) && req.method() == Method::POST
    {
        state
            .audit(
                AuditEntry::new("authorisation.denied")
                    .by(&admin.email)
                    .from(client_addr(req))
                    .with("path", req.path())
                    .with("reason", &e),
            )
            .await;
    }
    match e {
        AdminError::UnknownUser | AdminError::UnknownSession | AdminError::UnknownGrant => {
            not_found_page()
        }
        AdminError::OutsideScope(_)
        | AdminError::EmailTaken(_)
        | AdminError::LastGrant
        | AdminError::OwnAccount => page(StatusCode::BAD_REQUEST, "Not done", &e.to_string()),
        AdminError::Hash(_) => internal(&e),
        AdminError::Store(_) => failure(&e),
    }
}

pub(super) fn user_id(raw: &str) -> Option<Uuid> {
    Uuid::parse_str(raw).ok()
}

/// A fresh 256-bit link token from the operating system's random source.
///
/// # Errors
/// A description of the failure, when the random source fails.
pub(super) fn new_token() -> Result<LinkToken, String> {
    let hex = random_hex(32).map_err(|e| format!("random source: {e}"))?;
    LinkToken::parse(&hex).map_err(|e| e.to_string())
}

/// The page showing a set-password link once. The link starts with `TASI_PUBLIC_URL` when it
/// is configured, else with the address this request came to.
pub(super) fn link_page(
    req: &HttpRequest,
    chrome: Chrome,
    title: &str,
    issued: &IssuedLink,
) -> HttpResponse {
    let ci = req.connection_info();
    let base = req
        .app_data::<web::Data<AppState>>()
        .and_then(|s| s.public_url.clone())
        .unwrap_or_else(|| format!("{}://{}", ci.scheme(), ci.host()));
    render(
        StatusCode::OK,
        &LinkPage {
            chrome,
            title: title.to_string(),
            email: issued.user.email.to_string(),
            user_id: issued.user.id.to_string(),
            link: format!("{base}/set-password/{}", issued.token.expose()),
            expires: when(issued.expires_at),
        },
    )
}

mod audit;
mod links;
mod users;
pub mod views;
