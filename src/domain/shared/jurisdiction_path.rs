//! The name of a jurisdiction node as users and the CLI write it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A node of the jurisdiction tree written as its path from the country down, segments
/// joined by `/`: `Timor-Leste`, `Timor-Leste/Atauro`, `Timor-Leste/Atauro/Station 6`.
///
/// Segments are trimmed, non-empty, and contain no `/`. A path covers itself and every path
/// below it ([`JurisdictionPath::covers`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct JurisdictionPath(String);

/// Why a text is not a jurisdiction path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a jurisdiction path like `Timor-Leste/Atauro` (no empty segments)")]
pub struct JurisdictionPathError(pub String);

impl JurisdictionPath {
    /// Parses a path such as `Timor-Leste/Atauro`; spaces around segments are trimmed.
    ///
    /// # Errors
    /// [`JurisdictionPathError`] when the text is empty or a segment is empty.
    pub fn parse(text: &str) -> Result<Self, JurisdictionPathError> {
        let segments: Vec<&str> = text.split('/').map(str::trim).collect();
        if segments.iter().any(|s| s.is_empty()) {
            return Err(JurisdictionPathError(text.to_string()));
        }
        Ok(JurisdictionPath(segments.join("/")))
    }

    /// The path of a root node (a country) named `name`.
    ///
    /// # Errors
    /// [`JurisdictionPathError`] when `name` is empty or contains `/`.
    pub fn root(name: &str) -> Result<Self, JurisdictionPathError> {
        let name = name.trim();
        if name.is_empty() || name.contains('/') {
            return Err(JurisdictionPathError(name.to_string()));
        }
        Ok(JurisdictionPath(name.to_string()))
    }

    /// The path of the child `name` under this node.
    ///
    /// # Errors
    /// [`JurisdictionPathError`] when `name` is empty or contains `/`.
    pub fn child(&self, name: &str) -> Result<Self, JurisdictionPathError> {
        let name = name.trim();
        if name.is_empty() || name.contains('/') {
            return Err(JurisdictionPathError(format!("{}/{}", self.0, name)));
        }
        Ok(JurisdictionPath(format!("{}/{}", self.0, name)))
    }

    /// The parent node's path, `None` for a root.
    pub fn parent(&self) -> Option<JurisdictionPath> {
        self.0
            .rsplit_once('/')
            .map(|(parent, _)| JurisdictionPath(parent.to_string()))
    }

    /// The last segment: the node's own name.
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// Number of segments: 1 for a country, 2 for a municipality, 3 for a site below one.
    pub fn depth(&self) -> usize {
        self.0.split('/').count()
    }

    /// True when `other` is this node or lies below it.
    ///
    /// ```
    /// use tasi::domain::shared::JurisdictionPath;
    /// let atauro = JurisdictionPath::parse("Timor-Leste/Atauro").unwrap_or_else(|e| panic!("{e}"));
    /// let site = JurisdictionPath::parse("Timor-Leste/Atauro/Station 6").unwrap_or_else(|e| panic!("{e}"));
    /// let baucau = JurisdictionPath::parse("Timor-Leste/Baucau").unwrap_or_else(|e| panic!("{e}"));
    /// assert!(atauro.covers(&site));
    /// assert!(!atauro.covers(&baucau));
    /// ```
    pub fn covers(&self, other: &JurisdictionPath) -> bool {
        other.0 == self.0
            || (other.0.starts_with(&self.0) && other.0.as_bytes().get(self.0.len()) == Some(&b'/'))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JurisdictionPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> JurisdictionPath {
        JurisdictionPath::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn paths_are_trimmed_and_refuse_empty_segments() {
        assert_eq!(
            path(" Timor-Leste / Atauro ").as_str(),
            "Timor-Leste/Atauro"
        );
        for bad in ["", "/", "Timor-Leste/", "/Atauro", "Timor-Leste//Atauro"] {
            assert!(JurisdictionPath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_path_covers_its_subtree_and_nothing_else() {
        let atauro = path("Timor-Leste/Atauro");
        assert!(atauro.covers(&path("Timor-Leste/Atauro")));
        assert!(atauro.covers(&path("Timor-Leste/Atauro/Station 6")));
        assert!(!atauro.covers(&path("Timor-Leste/Atauro2")));
        assert!(!atauro.covers(&path("Timor-Leste")));
        assert!(path("Timor-Leste").covers(&atauro));
    }

    #[test]
    fn children_parents_names_and_depth() {
        let country = JurisdictionPath::root("Timor-Leste").unwrap_or_else(|e| panic!("{e}"));
        let site = country
            .child("Atauro")
            .and_then(|m| m.child("Station 6"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(site.as_str(), "Timor-Leste/Atauro/Station 6");
        assert_eq!(site.name(), "Station 6");
        assert_eq!(site.depth(), 3);
        assert_eq!(
            site.parent().map(|p| p.to_string()),
            Some("Timor-Leste/Atauro".into())
        );
        assert_eq!(country.parent(), None);
        assert!(country.child("a/b").is_err());
        assert!(JurisdictionPath::root("").is_err());
    }
}
