//! The jurisdictions a caller may see: every use case that touches fishery data takes one.

use serde::{Deserialize, Serialize};

use super::JurisdictionPath;

/// The set of jurisdiction subtrees a caller may see. A record is visible when one of the
/// scope's paths covers the record's jurisdiction path.
///
/// There is no "everything" value: a national officer's scope is the country's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessScope {
    paths: Vec<JurisdictionPath>,
}

impl AccessScope {
    /// A scope of the subtrees at `paths` (duplicates and nested paths are removed).
    pub fn of(mut paths: Vec<JurisdictionPath>) -> Self {
        paths.sort();
        paths.dedup();
        let kept: Vec<JurisdictionPath> = paths
            .iter()
            .filter(|p| !paths.iter().any(|q| q != *p && q.covers(p)))
            .cloned()
            .collect();
        AccessScope { paths: kept }
    }

    /// A scope that sees nothing.
    pub fn nothing() -> Self {
        AccessScope { paths: Vec::new() }
    }

    /// The subtrees' root paths.
    pub fn paths(&self) -> &[JurisdictionPath] {
        &self.paths
    }

    /// What the scope is called on a page: its roots' names joined by ` · ` (`Timor-Leste`,
    /// `Atauro`, `Atauro · Baucau`); `nothing` for an empty scope.
    pub fn label(&self) -> String {
        if self.paths.is_empty() {
            return "nothing".into();
        }
        self.paths
            .iter()
            .map(JurisdictionPath::name)
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// True when a record at `path` is visible.
    pub fn covers(&self, path: &JurisdictionPath) -> bool {
        self.paths.iter().any(|p| p.covers(path))
    }

    /// True when a record at the path written as `path` is visible (false when it does not
    /// parse).
    pub fn covers_str(&self, path: &str) -> bool {
        JurisdictionPath::parse(path).is_ok_and(|p| self.covers(&p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> JurisdictionPath {
        JurisdictionPath::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_scope_sees_its_subtrees_only() {
        let scope = AccessScope::of(vec![
            p("Timor-Leste/Atauro"),
            p("Timor-Leste/Atauro/Station 6"),
        ]);
        assert_eq!(scope.paths(), &[p("Timor-Leste/Atauro")]);
        assert!(scope.covers(&p("Timor-Leste/Atauro/Station 1")));
        assert!(!scope.covers(&p("Timor-Leste/Baucau/Station 4")));
        assert!(!scope.covers(&p("Timor-Leste")));
        assert!(!scope.covers_str("not//a path"));
        assert!(!AccessScope::nothing().covers(&p("Timor-Leste")));
    }
}
