//! Admin pages of the access context: users, their grants and sessions, one-time
//! set-password links, and the audit log. Every `/admin` route needs
//! `Permission::ManageUsers` and acts inside the admin's scope; `/set-password/{token}` is
//! public (the token is the credential).

use actix_session::Session;
use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::adapters::http::AppState;
use crate::adapters::http::landings::client_addr;
use crate::adapters::http::shared::errors::{internal, not_found_page, page};
use crate::adapters::http::shared::views::Chrome;
use crate::adapters::persistence::shared::DieselUnitOfWork;
use crate::adapters::security::guard::CurrentUser;
use crate::adapters::security::password_strength::ZxcvbnStrength;
use crate::adapters::security::{csrf, random_hex};
use crate::application::access::Credentials;
use crate::application::access::admin::{
    AdminError, AdminPorts, Administrator, IssuedLink, LinkToken, SetPasswordError, add_grant,
    audit_entries, create_user, grantable_jurisdictions, link_user, list_users, remove_grant,
    reset_password, revoke_session, set_password, set_user_disabled, user_detail, when,
};
use crate::application::access::ports::AuditFilter;
use crate::application::shared::{AuditEntry, StoreError};
use crate::domain::access::{Email, Permission, Role};
use crate::domain::shared::JurisdictionPath;

/// Routes of this module.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(admin_home))
        .route("/admin/users", web::get().to(users_page))
        .route("/admin/users", web::post().to(create_user_action))
        .route("/admin/users/{id}", web::get().to(user_page))
        .route("/admin/users/{id}/grants", web::post().to(add_grant_action))
        .route(
            "/admin/users/{id}/grants/remove",
            web::post().to(remove_grant_action),
        )
        .route("/admin/users/{id}/disable", web::post().to(disable_action))
        .route("/admin/users/{id}/enable", web::post().to(enable_action))
        .route("/admin/users/{id}/reset", web::post().to(reset_action))
        .route("/admin/sessions/revoke", web::post().to(revoke_action))
        .route("/admin/audit", web::get().to(audit_page))
        .route("/set-password/{token}", web::get().to(set_password_form))
        .route("/set-password/{token}", web::post().to(set_password_action));
}

// ---------------------------------------------------------------------------------------
// Views

/// An option of a select.
#[derive(Debug, Clone)]
pub struct Pick {
    /// Value sent and shown.
    pub value: String,
    /// Selected now.
    pub selected: bool,
}

fn picks(values: impl IntoIterator<Item = String>, selected: &str) -> Vec<Pick> {
    values
        .into_iter()
        .map(|value| Pick {
            selected: value == selected,
            value,
        })
        .collect()
}

/// A row of the users list.
#[derive(Debug, Clone)]
pub struct UserRow {
    /// Link id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Grants as `role@path`.
    pub grants: Vec<String>,
    /// Disabled.
    pub disabled: bool,
    /// Active sessions.
    pub sessions: u64,
}

/// The users an admin may manage, and the form to create one.
#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct AdminUsersPage {
    /// Layout.
    pub chrome: Chrome,
    /// Manageable users.
    pub users: Vec<UserRow>,
    /// Role choices.
    pub roles: Vec<Pick>,
    /// Jurisdiction choices: the admin's scope.
    pub jurisdictions: Vec<Pick>,
    /// The e-mail typed, kept after an error.
    pub email: String,
    /// Why the last form was refused.
    pub error: Option<String>,
}

/// A grant on the user page.
#[derive(Debug, Clone)]
pub struct GrantRow {
    /// Role key.
    pub role: String,
    /// Jurisdiction path.
    pub jurisdiction: String,
}

/// A session on the user page.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// The first 8 characters of the key.
    pub short: String,
    /// The whole key, for the revoke form only.
    pub key: String,
    /// Start, UTC.
    pub created: String,
    /// End without further requests, UTC.
    pub expires: String,
}

/// One user: grants, status, password reset, sessions.
#[derive(Template)]
#[template(path = "admin/user.html")]
pub struct AdminUserPage {
    /// Layout.
    pub chrome: Chrome,
    /// The user's id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Disabled.
    pub disabled: bool,
    /// The page shows the admin's own account (read only).
    pub own: bool,
    /// Grants.
    pub grants: Vec<GrantRow>,
    /// Active sessions.
    pub sessions: Vec<SessionRow>,
    /// Role choices for a new grant.
    pub roles: Vec<Pick>,
    /// Jurisdiction choices for a new grant.
    pub jurisdictions: Vec<Pick>,
}

/// A one-time set-password link, shown once.
#[derive(Template)]
#[template(path = "admin/link.html")]
pub struct LinkPage {
    /// Layout.
    pub chrome: Chrome,
    /// Heading.
    pub title: String,
    /// For whom.
    pub email: String,
    /// Their id.
    pub user_id: String,
    /// The link.
    pub link: String,
    /// End of validity, UTC.
    pub expires: String,
}

/// An entry of the audit page.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// When, UTC.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// Where.
    pub jurisdiction: String,
    /// From where.
    pub client_addr: String,
    /// Details as `name = value`.
    pub details: Vec<String>,
}

/// The audit log.
#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AdminAuditPage {
    /// Layout.
    pub chrome: Chrome,
    /// Entries of this page.
    pub entries: Vec<AuditRow>,
    /// Filter: actor.
    pub actor: String,
    /// Filter: action.
    pub action: String,
    /// Filter: first day.
    pub from: String,
    /// Filter: last day.
    pub to: String,
    /// Filter: jurisdiction subtree.
    pub jurisdiction: String,
    /// Known actions, offered while typing.
    pub actions: Vec<&'static str>,
    /// Page number, from 1.
    pub page: u64,
    /// Older entries follow.
    pub more: bool,
    /// The filter as a query string without `page`, for the page links.
    pub query: String,
    /// Why the filter was refused.
    pub error: Option<String>,
}

/// The public form that sets a password through a one-time link.
#[derive(Template)]
#[template(path = "admin/set_password.html")]
pub struct SetPasswordPage {
    /// Layout.
    pub chrome: Chrome,
    /// The link's token (the form posts back to the same link).
    pub token: String,
    /// Whose password.
    pub email: String,
    /// Why the last attempt was refused.
    pub error: Option<String>,
}

/// Actions the audit page suggests in its filter.
const KNOWN_ACTIONS: [&str; 17] = [
    "login.succeeded",
    "login.failed",
    "login.throttled",
    "logout",
    "session.expired",
    "session.revoked",
    "authorisation.denied",
    "import",
    "export",
    "user.created",
    "user.disabled",
    "user.enabled",
    "grant.added",
    "grant.removed",
    "password.reset_issued",
    "password.set",
    "user.saved",
];

fn render(status: StatusCode, t: &impl Template) -> HttpResponse {
    match t.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => internal(&e),
    }
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

fn role_picks(selected: &str) -> Vec<Pick> {
    picks(Role::ALL.iter().map(|r| r.key().to_string()), selected)
}

fn path_picks(paths: &[JurisdictionPath], selected: &str) -> Vec<Pick> {
    picks(paths.iter().map(|p| p.to_string()), selected)
}

// ---------------------------------------------------------------------------------------
// Plumbing

/// Runs `f` on the admin ports off the async workers (database work and argon2id hashing).
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&AdminPorts<'_, DieselUnitOfWork>) -> T + Send + 'static,
) -> Result<T, HttpResponse> {
    let (uow, accounts, directory, queries, hasher, clock) = (
        state.uow.clone(),
        state.accounts.clone(),
        state.directory.clone(),
        state.admin.clone(),
        state.hasher.clone(),
        state.clock.clone(),
    );
    web::block(move || {
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
struct Ctx {
    admin: Administrator,
    chrome: Chrome,
}

/// The caller as an admin; 403 (audited as `authorisation.denied`) without
/// `Permission::ManageUsers`.
async fn admin_ctx(
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
        chrome: Chrome {
            user: Some(email),
            csrf: csrf::token(session),
            synthetic: state.synthetic,
            active: "admin",
        },
    })
}

macro_rules! ctx {
    ($req:expr, $state:expr, $session:expr) => {
        match admin_ctx(&$req, &$state, &$session).await {
            Ok(c) => c,
            Err(r) => return r,
        }
    };
}

macro_rules! block {
    ($state:expr, $f:expr) => {
        match blocking(&$state, $f).await {
            Ok(v) => v,
            Err(r) => return r,
        }
    };
}

/// The answer to a refused admin command. Attempts on users, sessions or jurisdictions
/// outside the admin's scope are audited as `authorisation.denied` when they change state.
async fn refused(
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
        AdminError::Hash(_) | AdminError::Store(_) => internal(&e),
    }
}

fn user_id(raw: &str) -> Option<Uuid> {
    Uuid::parse_str(raw).ok()
}

/// A fresh 256-bit link token from the operating system's random source.
///
/// # Errors
/// A description of the failure, when the random source fails.
fn new_token() -> Result<LinkToken, String> {
    let hex = random_hex(32).map_err(|e| format!("random source: {e}"))?;
    LinkToken::parse(&hex).map_err(|e| e.to_string())
}

/// The page showing a set-password link once. The link starts with `TASI_PUBLIC_URL` when it
/// is configured, else with the address this request came to.
fn link_page(req: &HttpRequest, chrome: Chrome, title: &str, issued: &IssuedLink) -> HttpResponse {
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

// ---------------------------------------------------------------------------------------
// Users

async fn admin_home() -> HttpResponse {
    see_other("/admin/users")
}

async fn users_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> HttpResponse {
    let ctx = ctx!(req, state, session);
    users_view(&state, ctx, NewUserForm::default(), None, StatusCode::OK).await
}

async fn users_view(
    state: &AppState,
    ctx: Ctx,
    form: NewUserForm,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let admin = ctx.admin.clone();
    let found = block!(state, move |p| Ok::<_, StoreError>((
        list_users(p.queries, &admin)?,
        grantable_jurisdictions(p.directory, &admin)?
    )));
    let (users, paths) = match found {
        Ok(v) => v,
        Err(e) => return internal(&e),
    };
    render(
        status,
        &AdminUsersPage {
            chrome: ctx.chrome,
            users: users
                .into_iter()
                .map(|u| UserRow {
                    id: u.id.to_string(),
                    email: u.email.to_string(),
                    grants: u
                        .grants
                        .0
                        .iter()
                        .map(|g| format!("{}@{}", g.role, g.jurisdiction))
                        .collect(),
                    disabled: u.disabled,
                    sessions: u.active_sessions,
                })
                .collect(),
            roles: role_picks(if form.role.is_empty() {
                "viewer"
            } else {
                &form.role
            }),
            jurisdictions: path_picks(&paths, &form.jurisdiction),
            email: form.email,
            error,
        },
    )
}

#[derive(Deserialize, Default)]
struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    jurisdiction: String,
}

async fn create_user_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<NewUserForm>,
) -> HttpResponse {
    let ctx = ctx!(req, state, session);
    let form = form.into_inner();
    let parsed = Email::parse(&form.email)
        .map_err(|e| e.to_string())
        .and_then(|email| Ok((email, Role::parse(&form.role).map_err(|e| e.to_string())?)))
        .and_then(|(email, role)| {
            let at = JurisdictionPath::parse(&form.jurisdiction).map_err(|e| e.to_string())?;
            Ok((email, role, at))
        });
    let (email, role, at) = match parsed {
        Ok(v) => v,
        Err(msg) => {
            return users_view(&state, ctx, form, Some(msg), StatusCode::BAD_REQUEST).await;
        }
    };
    let token = match new_token() {
        Ok(t) => t,
        Err(e) => return internal(&e),
    };
    let admin = ctx.admin.clone();
    let result = block!(state, move |p| create_user(
        p, &admin, &email, role, &at, &token
    ));
    match result {
        Ok(issued) => link_page(&req, ctx.chrome, "User created", &issued),
        Err(e @ (AdminError::EmailTaken(_) | AdminError::OutsideScope(_))) => {
            let msg = e.to_string();
            if matches!(e, AdminError::OutsideScope(_)) {
                state
                    .audit(
                        AuditEntry::new("authorisation.denied")
                            .by(&ctx.admin.email)
                            .from(client_addr(&req))
                            .with("path", req.path())
                            .with("reason", &msg),
                    )
                    .await;
            }
            users_view(&state, ctx, form, Some(msg), StatusCode::BAD_REQUEST).await
        }
        Err(e) => refused(&req, &state, &ctx.admin, e).await,
    }
}

async fn user_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = ctx!(req, state, session);
    let Some(id) = user_id(&path) else {
        return not_found_page();
    };
    let admin = ctx.admin.clone();
    let found = block!(state, move |p| {
        let detail = user_detail(p, &admin, id)?;
        let paths = grantable_jurisdictions(p.directory, &admin)?;
        Ok::<_, AdminError>((detail, paths))
    });
    let (detail, paths) = match found {
        Ok(v) => v,
        Err(e) => return refused(&req, &state, &ctx.admin, e).await,
    };
    render(
        StatusCode::OK,
        &AdminUserPage {
            own: detail.user.id == ctx.admin.user_id,
            chrome: ctx.chrome,
            id: detail.user.id.to_string(),
            email: detail.user.email.to_string(),
            disabled: detail.user.disabled,
            grants: detail
                .grants
                .0
                .iter()
                .map(|g| GrantRow {
                    role: g.role.key().to_string(),
                    jurisdiction: g.jurisdiction.to_string(),
                })
                .collect(),
            sessions: detail
                .sessions
                .into_iter()
                .map(|s| SessionRow {
                    short: s.key.chars().take(8).collect(),
                    key: s.key,
                    created: when(s.created_at),
                    expires: when(s.expires_at),
                })
                .collect(),
            roles: role_picks("viewer"),
            jurisdictions: path_picks(&paths, ""),
        },
    )
}

#[derive(Deserialize)]
struct GrantForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    jurisdiction: String,
}

async fn add_grant_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    form: web::Form<GrantForm>,
) -> HttpResponse {
    change_grant(req, state, session, path, form, true).await
}

async fn remove_grant_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    form: web::Form<GrantForm>,
) -> HttpResponse {
    change_grant(req, state, session, path, form, false).await
}

/// Adds (`add`) or removes a grant, ends the user's sessions, records `grant.added` or
/// `grant.removed`, and returns to the user's page.
async fn change_grant(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    form: web::Form<GrantForm>,
    add: bool,
) -> HttpResponse {
    let ctx = ctx!(req, state, session);
    let Some(id) = user_id(&path) else {
        return refused(&req, &state, &ctx.admin, AdminError::UnknownUser).await;
    };
    let (role, at) = match (
        Role::parse(&form.role),
        JurisdictionPath::parse(&form.jurisdiction),
    ) {
        (Ok(r), Ok(p)) => (r, p),
        (Err(e), _) => return page(StatusCode::BAD_REQUEST, "Not done", &e.to_string()),
        (_, Err(e)) => return page(StatusCode::BAD_REQUEST, "Not done", &e.to_string()),
    };
    let admin = ctx.admin.clone();
    let target = at.clone();
    let result = block!(state, move |p| if add {
        add_grant(p, &admin, id, role, &target)
    } else {
        remove_grant(p, &admin, id, role, &target)
    });
    match result {
        Ok(_) => see_other(&format!("/admin/users/{id}")),
        Err(e) => refused(&req, &state, &ctx.admin, e).await,
    }
}

async fn disable_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    change_disabled(req, state, session, path, true).await
}

async fn enable_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    change_disabled(req, state, session, path, false).await
}

/// Disables or enables a user through `set_disabled`, which records `user.disabled` or
/// `user.enabled` (stamped with the client's address and the user's jurisdiction).
async fn change_disabled(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    disabled: bool,
) -> HttpResponse {
    let ctx = ctx!(req, state, session);
    let Some(id) = user_id(&path) else {
        return refused(&req, &state, &ctx.admin, AdminError::UnknownUser).await;
    };
    let admin = ctx.admin.clone();
    match block!(state, move |p| set_user_disabled(p, &admin, id, disabled)) {
        Ok(_) => see_other(&format!("/admin/users/{id}")),
        Err(e) => refused(&req, &state, &ctx.admin, e).await,
    }
}

async fn reset_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = ctx!(req, state, session);
    let Some(id) = user_id(&path) else {
        return refused(&req, &state, &ctx.admin, AdminError::UnknownUser).await;
    };
    let token = match new_token() {
        Ok(t) => t,
        Err(e) => return internal(&e),
    };
    let admin = ctx.admin.clone();
    match block!(state, move |p| reset_password(p, &admin, id, &token)) {
        Ok(issued) => link_page(&req, ctx.chrome, "Password reset", &issued),
        Err(e) => refused(&req, &state, &ctx.admin, e).await,
    }
}

#[derive(Deserialize)]
struct RevokeForm {
    #[serde(default)]
    key: String,
}

async fn revoke_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<RevokeForm>,
) -> HttpResponse {
    let ctx = ctx!(req, state, session);
    let key = form.into_inner().key;
    let admin = ctx.admin.clone();
    match block!(state, move |p| revoke_session(p, &admin, &key)) {
        Ok((user, _)) => see_other(&format!("/admin/users/{}", user.id)),
        Err(e) => refused(&req, &state, &ctx.admin, e).await,
    }
}

// ---------------------------------------------------------------------------------------
// Audit log

#[derive(Deserialize, Default)]
struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    jurisdiction: Option<String>,
    page: Option<String>,
}

fn trimmed(s: &Option<String>) -> String {
    s.as_deref().map(str::trim).unwrap_or_default().to_string()
}

fn nonempty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn day(s: &str, name: &str) -> Result<Option<NaiveDate>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("{name}: write the day as YYYY-MM-DD (UTC), e.g. 2026-11-21"))
}

async fn audit_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<AuditQuery>,
) -> HttpResponse {
    let ctx = ctx!(req, state, session);
    let (actor, action, from, to, jurisdiction) = (
        trimmed(&q.actor),
        trimmed(&q.action),
        trimmed(&q.from),
        trimmed(&q.to),
        trimmed(&q.jurisdiction),
    );
    let page_no = trimmed(&q.page)
        .parse::<u64>()
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let dates = day(&from, "From").and_then(|f| Ok((f, day(&to, "To")?)));
    let query = serde_urlencoded::to_string(
        [
            ("actor", &actor),
            ("action", &action),
            ("from", &from),
            ("to", &to),
            ("jurisdiction", &jurisdiction),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let (entries, more, error, status) = match dates {
        Err(msg) => (Vec::new(), false, Some(msg), StatusCode::BAD_REQUEST),
        Ok((from_day, to_day)) => {
            let filter = AuditFilter {
                actor: nonempty(&actor),
                action: nonempty(&action),
                from: from_day,
                to: to_day,
                jurisdiction: nonempty(&jurisdiction),
            };
            let admin = ctx.admin.clone();
            match block!(state, move |p| audit_entries(
                p.queries, &admin, &filter, page_no
            )) {
                Ok(found) => (found.entries, found.more, None, StatusCode::OK),
                Err(e) => return internal(&e),
            }
        }
    };
    render(
        status,
        &AdminAuditPage {
            chrome: ctx.chrome,
            entries: entries
                .into_iter()
                .map(|e| AuditRow {
                    at: e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    actor: e.actor,
                    action: e.action,
                    jurisdiction: e.jurisdiction.unwrap_or_default(),
                    client_addr: e.client_addr.unwrap_or_default(),
                    details: e
                        .details
                        .into_iter()
                        .map(|(k, v)| format!("{k} = {v}"))
                        .collect(),
                })
                .collect(),
            actor,
            action,
            from,
            to,
            jurisdiction,
            actions: KNOWN_ACTIONS.to_vec(),
            page: page_no,
            more,
            query,
            error,
        },
    )
}

// ---------------------------------------------------------------------------------------
// Set-password links (public)

fn invalid_link_page() -> HttpResponse {
    page(
        StatusCode::NOT_FOUND,
        "This link is not valid any more",
        "A set-password link works once and for 24 hours. Ask your administrator for a new one.",
    )
}

fn public_chrome(state: &AppState, session: &Session) -> Chrome {
    Chrome {
        user: None,
        csrf: csrf::token(session),
        synthetic: state.synthetic,
        active: "",
    }
}

async fn set_password_form(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    let Ok(token) = LinkToken::parse(&path) else {
        return invalid_link_page();
    };
    set_password_view(&state, &session, token, None, StatusCode::OK).await
}

/// The form, or the invalid-link page when the link is not (or no longer) valid.
async fn set_password_view(
    state: &AppState,
    session: &Session,
    token: LinkToken,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let t = token.clone();
    match block!(state, move |p| link_user(p, &t)) {
        Ok(user) => render(
            status,
            &SetPasswordPage {
                chrome: public_chrome(state, session),
                token: token.expose().to_string(),
                email: user.email.to_string(),
                error,
            },
        ),
        Err(SetPasswordError::InvalidLink) => invalid_link_page(),
        Err(e) => internal(&e),
    }
}

#[derive(Deserialize)]
struct SetPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn set_password_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    form: web::Form<SetPasswordForm>,
) -> HttpResponse {
    let Ok(token) = LinkToken::parse(&path) else {
        return invalid_link_page();
    };
    let form = form.into_inner();
    let t = token.clone();
    let addr = client_addr(&req);
    match block!(state, move |p| set_password(
        p,
        &t,
        &form.password,
        &form.confirm,
        addr
    )) {
        Ok(_) => see_other("/login"),
        Err(SetPasswordError::InvalidLink) => invalid_link_page(),
        Err(
            e @ (SetPasswordError::Mismatch
            | SetPasswordError::Policy(_)
            | SetPasswordError::SameAsEmail),
        ) => {
            set_password_view(
                &state,
                &session,
                token,
                Some(e.to_string()),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => internal(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_page_escapes_user_text() {
        let page = AdminAuditPage {
            chrome: Chrome::default(),
            entries: vec![AuditRow {
                at: "2026-11-21 10:00:00 UTC".into(),
                actor: "<script>alert(1)</script>@x.tl".into(),
                action: "login.failed".into(),
                jurisdiction: String::new(),
                client_addr: "127.0.0.1".into(),
                details: vec!["note = <b>x</b>".into()],
            }],
            actor: "\"><script>".into(),
            action: String::new(),
            from: String::new(),
            to: String::new(),
            jurisdiction: String::new(),
            actions: KNOWN_ACTIONS.to_vec(),
            page: 1,
            more: false,
            query: String::new(),
            error: None,
        };
        let html = page.render().unwrap_or_default();
        assert!(html.contains("login.failed"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>x</b>"), "{html}");
    }

    #[test]
    fn the_session_key_is_shown_shortened_and_sent_whole() {
        let key = "abcdefgh".repeat(8);
        let page = AdminUserPage {
            chrome: Chrome::default(),
            id: Uuid::nil().to_string(),
            email: "viewer@tasi.tl".into(),
            disabled: false,
            own: false,
            grants: vec![GrantRow {
                role: "viewer".into(),
                jurisdiction: "Timor-Leste/Atauro".into(),
            }],
            sessions: vec![SessionRow {
                short: key.chars().take(8).collect(),
                key: key.clone(),
                created: "2026-11-21 10:00 UTC".into(),
                expires: "2026-11-21 10:30 UTC".into(),
            }],
            roles: role_picks("viewer"),
            jurisdictions: Vec::new(),
        };
        let html = page.render().unwrap_or_default();
        assert_eq!(html.matches(&key).count(), 1, "only in the hidden field");
        assert!(html.contains("name=\"key\" value=\""), "{html}");
        assert!(html.contains(">abcdefgh…<"), "{html}");
    }
}
