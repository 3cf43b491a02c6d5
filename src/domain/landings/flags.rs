//! Quality flags: the rules a surveyed landing broke.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a broken rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// The value was kept or repaired; the landing still counts in summaries.
    Warning,
    /// The landing is excluded from summaries.
    Error,
}

impl Severity {
    /// `warning` or `error`, as stored and shown.
    pub fn key(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `warning` or `error`.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One broken rule of a rule set on one landing: the rule's code (e.g.
/// `fisher_hours.capped`), its severity, a reason a person can read, and the values involved
/// as name/value pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityFlag {
    /// The rule's code, stable across releases of the rule set.
    pub code: String,
    /// Warning (kept) or error (excluded from summaries).
    pub severity: Severity,
    /// Why, in words.
    pub reason: String,
    /// The values involved, e.g. `[("hours_at_sea", "9423462")]`.
    pub values: Vec<(String, String)>,
}

impl QualityFlag {
    /// A flag of rule `code` with its `severity`, `reason` and `values`.
    pub fn new(
        code: &str,
        severity: Severity,
        reason: impl Into<String>,
        values: Vec<(&str, String)>,
    ) -> Self {
        QualityFlag {
            code: code.to_string(),
            severity,
            reason: reason.into(),
            values: values
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_round_trip_their_keys_and_errors_rank_above_warnings() {
        for s in [Severity::Warning, Severity::Error] {
            assert_eq!(Severity::from_key(s.key()), Some(s));
        }
        assert_eq!(Severity::from_key("fatal"), None);
        assert!(Severity::Error > Severity::Warning);
        let f = QualityFlag::new("x.y", Severity::Error, "why", vec![("a", "1".into())]);
        assert_eq!(f.values, vec![("a".to_string(), "1".to_string())]);
    }
}
