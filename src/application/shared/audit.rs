//! An entry of the audit log, as a use case writes it inside its unit of work.

/// One entry of the append-only audit log: who did what, where, from where. The unit of work
/// writes it in the transaction of the change it records, and fills in the actor and the
/// client's address from its [`super::Caller`] when the entry does not name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Who: a user's e-mail, `cli`, or what an anonymous client typed (failed logins).
    /// `None`: the caller of the unit of work.
    pub actor: Option<String>,
    /// What, as `noun.verb`: `login.succeeded`, `login.failed`, `logout`, `import`,
    /// `export`, `review`, `authorisation.denied`, `user.created`, `grant.added` …
    pub action: String,
    /// Which jurisdiction it concerns, when one.
    pub jurisdiction: Option<String>,
    /// From where: the client's address. `None`: the caller's, when known.
    pub client_addr: Option<String>,
    /// Anything else, as name/value pairs (stored as JSON; shown escaped).
    pub details: Vec<(String, String)>,
}

impl AuditEntry {
    /// An entry of `action`, by the caller of the unit of work that writes it.
    pub fn new(action: &str) -> Self {
        AuditEntry {
            actor: None,
            action: action.to_string(),
            jurisdiction: None,
            client_addr: None,
            details: Vec::new(),
        }
    }

    /// The same entry, by `actor` rather than the caller.
    pub fn by(mut self, actor: &str) -> Self {
        self.actor = Some(actor.to_string());
        self
    }

    /// The same entry, concerning `jurisdiction`.
    pub fn at(mut self, jurisdiction: &str) -> Self {
        self.jurisdiction = Some(jurisdiction.to_string());
        self
    }

    /// The same entry, concerning `jurisdiction` when there is one.
    pub fn at_opt(self, jurisdiction: Option<&str>) -> Self {
        match jurisdiction {
            Some(j) => self.at(j),
            None => self,
        }
    }

    /// The same entry, from `addr`.
    pub fn from(mut self, addr: Option<String>) -> Self {
        self.client_addr = addr;
        self
    }

    /// The same entry with one more detail.
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.details.push((name.to_string(), value.to_string()));
        self
    }
}
