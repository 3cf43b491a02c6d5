//! View structs of the admin pages (askama templates under `templates/admin/`).

use askama::Template;

use crate::adapters::http::shared::views::Chrome;
use crate::domain::access::Role;
use crate::domain::shared::JurisdictionPath;

pub fn picks(values: impl IntoIterator<Item = String>, selected: &str) -> Vec<Pick> {
    values
        .into_iter()
        .map(|value| Pick {
            selected: value == selected,
            value,
        })
        .collect()
}

/// An option of a select.
#[derive(Debug, Clone)]
pub struct Pick {
    /// Value sent and shown.
    pub value: String,
    /// Selected now.
    pub selected: bool,
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
pub const KNOWN_ACTIONS: [&str; 17] = [
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

pub fn role_picks(selected: &str) -> Vec<Pick> {
    picks(Role::ALL.iter().map(|r| r.key().to_string()), selected)
}

pub fn path_picks(paths: &[JurisdictionPath], selected: &str) -> Vec<Pick> {
    picks(paths.iter().map(|p| p.to_string()), selected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;
    use uuid::Uuid;

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
