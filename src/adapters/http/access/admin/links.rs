//! The public form that sets a password through a one-time link (the token is the
//! credential).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::views::SetPasswordPage;
use super::{AccessPages, blocking, render, see_other};
use crate::adapters::http::shared::errors::{internal, page};
use crate::adapters::http::shared::page::{client_addr, public_chrome};
use crate::adapters::http::shared::state::AppState;
use crate::application::access::NewPasswordError;
use crate::application::access::admin::{LinkToken, SetPasswordError, link_user, set_password};

fn invalid_link_page() -> HttpResponse {
    page(
        StatusCode::NOT_FOUND,
        "This link is not valid any more",
        "A set-password link works once and for 24 hours. Ask your administrator for a new one.",
    )
}

pub(super) async fn set_password_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    path: web::Path<String>,
) -> HttpResponse {
    let Ok(token) = LinkToken::parse(&path) else {
        return invalid_link_page();
    };
    set_password_view(&state, &pages, &req, token, None, StatusCode::OK).await
}

/// The form, or the invalid-link page when the link is not (or no longer) valid.
pub(super) async fn set_password_view(
    state: &AppState,
    pages: &AccessPages,
    req: &HttpRequest,
    token: LinkToken,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let t = token.clone();
    match admin_block!(state, pages, move |p| link_user(p, &t)) {
        Ok(user) => render(
            status,
            &SetPasswordPage {
                chrome: public_chrome(state, req),
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
pub(super) struct SetPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub(super) async fn set_password_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    path: web::Path<String>,
    form: web::Form<SetPasswordForm>,
) -> HttpResponse {
    let Ok(token) = LinkToken::parse(&path) else {
        return invalid_link_page();
    };
    let form = form.into_inner();
    let t = token.clone();
    let addr = client_addr(&req);
    match admin_block!(state, pages, move |p| set_password(
        p,
        &t,
        &form.password,
        &form.confirm,
        addr
    )) {
        Ok(_) => see_other("/login"),
        Err(SetPasswordError::InvalidLink) => invalid_link_page(),
        Err(e @ SetPasswordError::NewPassword(NewPasswordError::Hash(_))) => internal(&e),
        Err(SetPasswordError::NewPassword(e)) => {
            set_password_view(
                &state,
                &pages,
                &req,
                token,
                Some(e.to_string()),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => internal(&e),
    }
}
