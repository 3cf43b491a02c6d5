//! Track flags: the rules a tracked trip broke.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a broken track rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// Something to look at; the trip still counts in effort figures.
    Warning,
    /// The trip is left out of effort figures.
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

/// The codes of the track rules, stable across releases.
pub mod code {
    /// Duration above `TrackRules::max_duration_hours`.
    pub const DURATION_TOO_LONG: &str = "track.duration_too_long";
    /// Duration below `TrackRules::min_duration_hours`.
    pub const DURATION_TOO_SHORT: &str = "track.duration_too_short";
    /// Distance above `TrackRules::max_distance_m`.
    pub const DISTANCE_TOO_LONG: &str = "track.distance_too_long";
    /// Too large a share of positions faster than the speed limit.
    pub const TOO_FAST: &str = "track.too_fast";
    /// Positions well inside a land boundary.
    pub const ON_LAND: &str = "track.on_land";
    /// The trip repeats another one.
    pub const DUPLICATE: &str = "track.duplicate";
}

/// One broken rule on one tracked trip: the rule's code (see [`code`]), its severity, a
/// reason a person can read, and the values involved as name/value pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackFlag {
    /// The rule's code, e.g. `track.too_fast`.
    pub code: String,
    /// Warning (kept) or error (left out of effort figures).
    pub severity: Severity,
    /// Why, in words.
    pub reason: String,
    /// The values involved, e.g. `[("duration_hours", "97.5"), ("max_duration_hours", "96")]`.
    pub values: Vec<(String, String)>,
}

impl TrackFlag {
    /// A flag of rule `code` with its `severity`, `reason` and `values`.
    pub fn new(
        code: &str,
        severity: Severity,
        reason: impl Into<String>,
        values: Vec<(&str, String)>,
    ) -> Self {
        TrackFlag {
            code: code.to_string(),
            severity,
            reason: reason.into(),
            values: values
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    /// The value named `name`, when the flag carries one.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_round_trip_and_flags_expose_their_values() {
        for s in [Severity::Warning, Severity::Error] {
            assert_eq!(Severity::from_key(s.key()), Some(s));
        }
        assert_eq!(Severity::from_key("fatal"), None);
        assert!(Severity::Error > Severity::Warning);
        let f = TrackFlag::new(
            code::TOO_FAST,
            Severity::Error,
            "why",
            vec![("a", "1".into())],
        );
        assert_eq!(f.value("a"), Some("1"));
        assert_eq!(f.value("b"), None);
        assert_eq!(f.code, "track.too_fast");
    }
}
