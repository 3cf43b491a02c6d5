//! Who a use case runs for: a logged-in user with the scope of their permission, or the
//! system itself (the command line, a projector).

use uuid::Uuid;

use crate::domain::shared::AccessScope;

/// What a caller's transactions may see and write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rights {
    /// A user: the subtrees of the jurisdiction tree their permission covers. The
    /// PostgreSQL adapter runs their work as the application role under row-level security
    /// set to this scope (the second wall behind the use case's own checks).
    Scoped(AccessScope),
    /// The system itself (imports from the command line, projectors, the relay): the
    /// schemas' owner, every jurisdiction. Never given to a request.
    Everything,
}

/// Who a use case runs for; the unit of work stamps the audit entries of the work with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    actor: String,
    user_id: Option<Uuid>,
    client_addr: Option<String>,
    rights: Rights,
}

impl Caller {
    /// The logged-in user `user_id` (`email`), acting within `scope`.
    pub fn user(user_id: Uuid, email: &str, scope: AccessScope) -> Self {
        Caller {
            actor: email.to_string(),
            user_id: Some(user_id),
            client_addr: None,
            rights: Rights::Scoped(scope),
        }
    }

    /// Someone not logged in, as they named themselves (the e-mail typed at a failed
    /// login); they see nothing.
    pub fn anonymous(named: &str) -> Self {
        Caller {
            actor: named.to_string(),
            user_id: None,
            client_addr: None,
            rights: Rights::Scoped(AccessScope::nothing()),
        }
    }

    /// The system acting as `name` (`cli`, `demo`, `landings.summaries`) with the owner's
    /// rights over every jurisdiction.
    pub fn system(name: &str) -> Self {
        Caller {
            actor: name.to_string(),
            user_id: None,
            client_addr: None,
            rights: Rights::Everything,
        }
    }

    /// The same caller, calling from `addr` (the client's address, for the audit log).
    pub fn from_addr(mut self, addr: Option<String>) -> Self {
        self.client_addr = addr;
        self
    }

    /// Who: a user's e-mail, or the system's name.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The user's id, when a user calls.
    pub fn user_id(&self) -> Option<Uuid> {
        self.user_id
    }

    /// From where, when known.
    pub fn client_addr(&self) -> Option<&str> {
        self.client_addr.as_deref()
    }

    /// What the caller's transactions may see.
    pub fn rights(&self) -> &Rights {
        &self.rights
    }

    /// The caller's scope; `None` for the system (everything).
    pub fn scope(&self) -> Option<&AccessScope> {
        match &self.rights {
            Rights::Scoped(s) => Some(s),
            Rights::Everything => None,
        }
    }
}
