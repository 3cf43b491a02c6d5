//! The admin pages of users: the list and the form to create one, one user's page, and
//! the commands on a user (grants, disabling, password reset, sessions).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::views::{
    AdminUserPage, AdminUsersPage, GrantRow, SessionRow, UserRow, path_picks, role_picks,
};
use super::{
    AccessPages, Ctx, admin_ctx, blocking, link_page, new_token, refused, render, see_other,
    user_id,
};
use crate::adapters::http::access::admin::not_found_page;
use crate::adapters::http::shared::errors::{internal, internal_message, page};
use crate::adapters::http::shared::page::client_addr;
use crate::adapters::http::shared::state::AppState;
use crate::application::access::admin::{
    AdminError, add_grant, create_user, grantable_jurisdictions, list_users, remove_grant,
    reset_password, revoke_session, set_user_disabled, user_detail, when,
};
use crate::application::shared::{AuditEntry, StoreError};
use crate::domain::access::{Email, Role};
use crate::domain::shared::JurisdictionPath;

pub(super) async fn admin_home() -> HttpResponse {
    see_other("/admin/users")
}

pub(super) async fn users_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
) -> HttpResponse {
    let ctx = admin_ctx!(req, state, session);
    users_view(
        &state,
        &pages,
        ctx,
        NewUserForm::default(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn users_view(
    state: &AppState,
    pages: &AccessPages,
    ctx: Ctx,
    form: NewUserForm,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let admin = ctx.admin.clone();
    let found = admin_block!(state, pages, move |p| Ok::<_, StoreError>((
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
pub(super) struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    jurisdiction: String,
}

pub(super) async fn create_user_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    form: web::Form<NewUserForm>,
) -> HttpResponse {
    let ctx = admin_ctx!(req, state, session);
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
            return users_view(
                &state,
                &pages,
                ctx,
                form,
                Some(msg),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    let token = match new_token() {
        Ok(t) => t,
        Err(e) => return internal_message(&e),
    };
    let admin = ctx.admin.clone();
    let result = admin_block!(state, pages, move |p| create_user(
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
            users_view(
                &state,
                &pages,
                ctx,
                form,
                Some(msg),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => refused(&req, &state, &ctx.admin, e).await,
    }
}

pub(super) async fn user_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = admin_ctx!(req, state, session);
    let Some(id) = user_id(&path) else {
        return not_found_page();
    };
    let admin = ctx.admin.clone();
    let found = admin_block!(state, pages, move |p| {
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
pub(super) struct GrantForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    jurisdiction: String,
}

pub(super) async fn add_grant_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    path: web::Path<String>,
    form: web::Form<GrantForm>,
) -> HttpResponse {
    change_grant(req, state, pages, session, path, form, true).await
}

pub(super) async fn remove_grant_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    path: web::Path<String>,
    form: web::Form<GrantForm>,
) -> HttpResponse {
    change_grant(req, state, pages, session, path, form, false).await
}

/// Adds (`add`) or removes a grant, ends the user's sessions, records `grant.added` or
/// `grant.removed`, and returns to the user's page.
async fn change_grant(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    path: web::Path<String>,
    form: web::Form<GrantForm>,
    add: bool,
) -> HttpResponse {
    let ctx = admin_ctx!(req, state, session);
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
    let result = admin_block!(state, pages, move |p| if add {
        add_grant(p, &admin, id, role, &target)
    } else {
        remove_grant(p, &admin, id, role, &target)
    });
    match result {
        Ok(_) => see_other(&format!("/admin/users/{id}")),
        Err(e) => refused(&req, &state, &ctx.admin, e).await,
    }
}

pub(super) async fn disable_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    change_disabled(req, state, pages, session, path, true).await
}

pub(super) async fn enable_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    change_disabled(req, state, pages, session, path, false).await
}

/// Disables or enables a user through `set_disabled`, which records `user.disabled` or
/// `user.enabled` (stamped with the client's address and the user's jurisdiction).
async fn change_disabled(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    path: web::Path<String>,
    disabled: bool,
) -> HttpResponse {
    let ctx = admin_ctx!(req, state, session);
    let Some(id) = user_id(&path) else {
        return refused(&req, &state, &ctx.admin, AdminError::UnknownUser).await;
    };
    let admin = ctx.admin.clone();
    match admin_block!(state, pages, move |p| set_user_disabled(
        p, &admin, id, disabled
    )) {
        Ok(_) => see_other(&format!("/admin/users/{id}")),
        Err(e) => refused(&req, &state, &ctx.admin, e).await,
    }
}

pub(super) async fn reset_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = admin_ctx!(req, state, session);
    let Some(id) = user_id(&path) else {
        return refused(&req, &state, &ctx.admin, AdminError::UnknownUser).await;
    };
    let token = match new_token() {
        Ok(t) => t,
        Err(e) => return internal_message(&e),
    };
    let admin = ctx.admin.clone();
    match admin_block!(state, pages, move |p| reset_password(p, &admin, id, &token)) {
        Ok(issued) => link_page(&req, ctx.chrome, "Password reset", &issued),
        Err(e) => refused(&req, &state, &ctx.admin, e).await,
    }
}

#[derive(Deserialize)]
pub(super) struct RevokeForm {
    #[serde(default)]
    key: String,
}

pub(super) async fn revoke_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    form: web::Form<RevokeForm>,
) -> HttpResponse {
    let ctx = admin_ctx!(req, state, session);
    let key = form.into_inner().key;
    let admin = ctx.admin.clone();
    match admin_block!(state, pages, move |p| revoke_session(p, &admin, &key)) {
        Ok((user, _)) => see_other(&format!("/admin/users/{}", user.id)),
        Err(e) => refused(&req, &state, &ctx.admin, e).await,
    }
}
