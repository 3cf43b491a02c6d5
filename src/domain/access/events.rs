//! The events the access context raises when who-may-see-what changes. Payloads carry ids,
//! roles and jurisdiction paths, never e-mail addresses or secrets: the outbox keeps them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Role;
use crate::domain::shared::{EventPayload, JurisdictionPath};

/// What happened to a user's access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessChange {
    /// The user was created (with one grant and a set-password link).
    Created,
    /// The user was added or their password reset from the command line.
    Saved,
    /// The user was disabled: they cannot log in, their sessions ended.
    Disabled,
    /// The user was enabled again.
    Enabled,
    /// The user's password was made unusable and a set-password link issued.
    PasswordReset,
    /// The user set their password through a link.
    PasswordSet,
    /// One of the user's sessions was ended by an admin.
    SessionRevoked,
    /// The user changed their own password: their sessions ended.
    PasswordChanged,
    /// The user ended all their sessions.
    LoggedOutEverywhere,
}

/// A user's account changed (see [`AccessChange`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccessChanged {
    /// The user.
    pub user_id: Uuid,
    /// What changed.
    pub change: AccessChange,
    /// The deepest node covering the user's grants, when there is one.
    pub jurisdiction: Option<String>,
}

impl EventPayload for UserAccessChanged {
    const TYPE: &'static str = "access.UserAccessChanged";
    const VERSION: u16 = 1;
    const AGGREGATE: &'static str = "User";

    fn aggregate_id(&self) -> String {
        self.user_id.to_string()
    }

    fn jurisdiction(&self) -> Option<JurisdictionPath> {
        self.jurisdiction
            .as_deref()
            .and_then(|j| JurisdictionPath::parse(j).ok())
    }
}

/// A user was granted a role on a jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserGranted {
    /// The user.
    pub user_id: Uuid,
    /// The role.
    pub role: Role,
    /// Where it holds.
    pub jurisdiction: String,
}

impl EventPayload for UserGranted {
    const TYPE: &'static str = "access.UserGranted";
    const VERSION: u16 = 1;
    const AGGREGATE: &'static str = "User";

    fn aggregate_id(&self) -> String {
        self.user_id.to_string()
    }

    fn jurisdiction(&self) -> Option<JurisdictionPath> {
        JurisdictionPath::parse(&self.jurisdiction).ok()
    }
}

/// A role on a jurisdiction was taken from a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRevoked {
    /// The user.
    pub user_id: Uuid,
    /// The role.
    pub role: Role,
    /// Where it held.
    pub jurisdiction: String,
}

impl EventPayload for GrantRevoked {
    const TYPE: &'static str = "access.GrantRevoked";
    const VERSION: u16 = 1;
    const AGGREGATE: &'static str = "User";

    fn aggregate_id(&self) -> String {
        self.user_id.to_string()
    }

    fn jurisdiction(&self) -> Option<JurisdictionPath> {
        JurisdictionPath::parse(&self.jurisdiction).ok()
    }
}
