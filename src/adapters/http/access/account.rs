//! The logged-in user's own account: changing their password, logging out everywhere.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use super::AccessPages;
use crate::adapters::http::shared::errors::{failure, internal};
use crate::adapters::http::shared::page::{caller_of, render_with, see_other};
use crate::adapters::http::shared::routes::Endpoint;
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::views::Chrome;
use crate::adapters::security::password_strength::ZxcvbnStrength;
use crate::application::access::Credentials;
use crate::application::access::NewPasswordError;
use crate::application::access::account::{
    ChangePasswordError, PasswordChange, change_password, log_out_everywhere,
};
use crate::domain::access::Permission;

/// The routes of the account page.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::get("/account", account_page),
        Endpoint::post("/account/password", change_password_action),
        Endpoint::post("/logout/everywhere", log_out_everywhere_action),
    ]
}

/// The account page.
#[derive(Template, WebTemplate)]
#[template(path = "access/account.html")]
pub struct AccountPage {
    /// Layout.
    pub chrome: Chrome,
    /// The user's e-mail.
    pub email: String,
    /// What happened, when something did.
    pub notice: Option<String>,
    /// Why the password was not changed.
    pub error: Option<String>,
}

async fn account_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> HttpResponse {
    let (_, chrome, current) = ctx!(req, state, session, "account", Permission::View, with_user);
    render_with(
        StatusCode::OK,
        &AccountPage {
            chrome,
            email: current.user.email.to_string(),
            notice: None,
            error: None,
        },
    )
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn change_password_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<AccessPages>,
    session: Session,
    form: web::Form<PasswordForm>,
) -> HttpResponse {
    let (scope, chrome, current) =
        ctx!(req, state, session, "account", Permission::View, with_user);
    let caller = caller_of(&req, &current, &scope);
    let (uow, accounts, hasher, clock) = (
        state.uow.clone(),
        pages.accounts.clone(),
        state.hasher.clone(),
        state.clock.clone(),
    );
    let user_id = current.user.id;
    let form = form.into_inner();
    let done = crate::adapters::http::shared::support::blocking(move || {
        change_password(
            uow.as_ref(),
            accounts.as_ref(),
            Credentials {
                hasher: hasher.as_ref(),
                strength: &ZxcvbnStrength,
            },
            clock.as_ref(),
            &caller,
            user_id,
            PasswordChange {
                current: &form.current,
                new: &form.password,
                confirm: &form.confirm,
            },
        )
    })
    .await;
    match done {
        Ok(Ok(_)) => {
            session.purge();
            see_other("/login?done=password")
        }
        Ok(Err(e @ ChangePasswordError::Store(_))) => failure(&e),
        Ok(Err(e @ ChangePasswordError::NewPassword(NewPasswordError::Hash(_)))) => internal(&e),
        Ok(Err(e)) => render_with(
            StatusCode::BAD_REQUEST,
            &AccountPage {
                chrome,
                email: current.user.email.to_string(),
                notice: None,
                error: Some(e.to_string()),
            },
        ),
        Err(e) => internal(&e),
    }
}

async fn log_out_everywhere_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
) -> HttpResponse {
    let (scope, _, current) = ctx!(req, state, session, "account", Permission::View, with_user);
    let caller = caller_of(&req, &current, &scope);
    let (uow, clock) = (state.uow.clone(), state.clock.clone());
    let user_id = current.user.id;
    block!(log_out_everywhere(
        uow.as_ref(),
        clock.as_ref(),
        &caller,
        user_id
    ));
    session.purge();
    see_other("/login?done=everywhere")
}
