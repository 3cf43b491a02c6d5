//! An entry of the audit log, as a use case writes it inside its unit of work.

/// The longest actor kept: 254 characters, the longest e-mail address a mail path allows
/// (RFC 5321 section 4.5.3.1.3).
pub const ACTOR_MAX_CHARS: usize = 254;

/// The most detail text an entry keeps, names and values together: 2 KB.
pub const DETAILS_MAX_BYTES: usize = 2048;

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

    /// The same entry, by `actor` rather than the caller: trimmed, lower-cased and cut to
    /// [`ACTOR_MAX_CHARS`] (what a login form's e-mail field holds is the attacker's to
    /// choose; a 19,000-character one made the insert fail before).
    pub fn by(mut self, actor: &str) -> Self {
        self.actor = Some(
            actor
                .trim()
                .to_lowercase()
                .chars()
                .take(ACTOR_MAX_CHARS)
                .collect(),
        );
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

    /// The same entry with the detail `name` = `value`. Details hold at most
    /// [`DETAILS_MAX_BYTES`] in all: a value that does not fit is cut, ending in `…`, and
    /// one that finds no room left is dropped.
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        let used: usize = self.details.iter().map(|(n, v)| n.len() + v.len()).sum();
        let room = DETAILS_MAX_BYTES.saturating_sub(used + name.len());
        if room <= '…'.len_utf8() {
            return self;
        }
        let mut value = value.to_string();
        if value.len() > room {
            let mut end = room.saturating_sub('…'.len_utf8());
            while !value.is_char_boundary(end) {
                end -= 1;
            }
            value.truncate(end);
            value.push('…');
        }
        self.details.push((name.to_string(), value));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_and_details_are_bounded() {
        let huge = format!("  {}@X.TL ", "a".repeat(19_000));
        let e = AuditEntry::new("login.failed")
            .by(&huge)
            .with("path", "p".repeat(3000))
            .with("more", "m");
        let actor = e.actor.clone().unwrap_or_default();
        assert_eq!(actor.chars().count(), ACTOR_MAX_CHARS);
        assert!(actor.starts_with("aaa"));
        let size: usize = e.details.iter().map(|(n, v)| n.len() + v.len()).sum();
        assert!(size <= DETAILS_MAX_BYTES, "{size}");
        assert!(e.details[0].1.ends_with('…'));
        assert_eq!(e.details.len(), 1, "no room was left for `more`");
        let small = AuditEntry::new("x").by("Admin@Tasi.tl").with("k", "v");
        assert_eq!(small.actor.as_deref(), Some("admin@tasi.tl"));
        assert_eq!(small.details, vec![("k".to_string(), "v".to_string())]);
    }
}
