//! Roles and grants: who may do what, and where (a grant covers a jurisdiction's subtree).

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::shared::{AccessScope, JurisdictionPath};

/// What a user may do. Each role includes the permissions of `viewer`; `admin` includes all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// Reads dashboards and lists.
    Viewer,
    /// Viewer, plus imports and reviews of flagged landings.
    Officer,
    /// Viewer, plus estimates and exports.
    Analyst,
    /// Manages users and grants; may do everything in its subtree.
    Admin,
}

/// An action that needs a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Read dashboards, lists, landings, flags.
    View,
    /// Import data and see imports.
    Import,
    /// Review flagged landings.
    Review,
    /// Export data (CSV) and run estimates.
    Export,
    /// Manage users, grants and sessions; read the audit log.
    ManageUsers,
}

/// Why a text is not a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role (viewer, officer, analyst, admin)")]
pub struct UnknownRole(pub String);

impl Role {
    /// Every role, least to most powerful.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Officer, Role::Analyst, Role::Admin];

    /// Parses `viewer`, `officer`, `analyst` or `admin`.
    ///
    /// # Errors
    /// [`UnknownRole`] for any other text.
    pub fn parse(text: &str) -> Result<Self, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.key() == text.trim().to_ascii_lowercase())
            .ok_or_else(|| UnknownRole(text.to_string()))
    }

    /// The role's key as stored and typed.
    pub fn key(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Officer => "officer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// True when the role carries `permission` (issue "Officers and admins": officer =
    /// viewer + imports + reviews; analyst = viewer + estimates and exports; admin = users
    /// and grants, and everything else in its subtree).
    pub fn allows(self, permission: Permission) -> bool {
        matches!(
            (self, permission),
            (Role::Admin, _)
                | (_, Permission::View)
                | (Role::Officer, Permission::Import | Permission::Review)
                | (Role::Analyst, Permission::Export)
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A user's role on a jurisdiction node; it covers the node's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    /// The user.
    pub user_id: Uuid,
    /// The role.
    pub role: Role,
    /// The node, e.g. `Timor-Leste/Atauro`.
    pub jurisdiction: JurisdictionPath,
}

/// The grants of one user: the scope of each permission.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Grants(pub Vec<Grant>);

impl Grants {
    /// Where the user may act with `permission`: the subtrees of the grants whose role
    /// allows it (empty when none does).
    pub fn scope(&self, permission: Permission) -> AccessScope {
        AccessScope::of(
            self.0
                .iter()
                .filter(|g| g.role.allows(permission))
                .map(|g| g.jurisdiction.clone())
                .collect(),
        )
    }

    /// True when some grant allows `permission` somewhere.
    pub fn any(&self, permission: Permission) -> bool {
        self.0.iter().any(|g| g.role.allows(permission))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> JurisdictionPath {
        JurisdictionPath::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn grant(role: Role, path: &str) -> Grant {
        Grant {
            user_id: Uuid::nil(),
            role,
            jurisdiction: p(path),
        }
    }

    #[test]
    fn roles_parse_and_print_their_keys() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.key()), Ok(r));
        }
        assert_eq!(Role::parse(" Officer "), Ok(Role::Officer));
        assert_eq!(Role::parse("root"), Err(UnknownRole("root".into())));
    }

    #[test]
    fn each_role_allows_viewing_and_its_own_actions_only() {
        use Permission::*;
        let table = [
            (Role::Viewer, [true, false, false, false, false]),
            (Role::Officer, [true, true, true, false, false]),
            (Role::Analyst, [true, false, false, true, false]),
            (Role::Admin, [true, true, true, true, true]),
        ];
        for (role, allowed) in table {
            for (perm, want) in [View, Import, Review, Export, ManageUsers]
                .into_iter()
                .zip(allowed)
            {
                assert_eq!(role.allows(perm), want, "{role} {perm:?}");
            }
        }
    }

    #[test]
    fn the_scope_of_a_permission_is_the_union_of_the_grants_that_allow_it() {
        let g = Grants(vec![
            grant(Role::Officer, "Timor-Leste/Atauro"),
            grant(Role::Viewer, "Timor-Leste/Baucau"),
        ]);
        let view = g.scope(Permission::View);
        assert!(view.covers(&p("Timor-Leste/Atauro/Station 6")));
        assert!(view.covers(&p("Timor-Leste/Baucau/Station 4")));
        assert!(!view.covers(&p("Timor-Leste/Dili")));
        let review = g.scope(Permission::Review);
        assert!(review.covers(&p("Timor-Leste/Atauro")));
        assert!(!review.covers(&p("Timor-Leste/Baucau")));
        assert!(g.scope(Permission::Export).paths().is_empty());
        assert!(!g.any(Permission::ManageUsers));
        assert!(Grants::default().scope(Permission::View).paths().is_empty());
    }
}
