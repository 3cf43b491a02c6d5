//! The species catalogue of the survey.

use serde::{Deserialize, Serialize};

/// A species (or species group) of the survey's catalogue, with its English and Tetum
/// names (PeskAAS `species.csv`; code 0 = no catch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Species {
    /// The survey's species code.
    pub code: i32,
    /// Common name in English (may be empty when only a Tetum name is known).
    pub common_name: String,
    /// Names in Tetum, as the enumerators write them.
    pub tetum_name: String,
}

/// Why a species entry is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpeciesError {
    /// The code is negative.
    #[error("species code {0} is negative")]
    NegativeCode(i64),
    /// The code does not fit the catalogue's range.
    #[error("species code {0} is too large")]
    CodeTooLarge(i64),
    /// Neither an English nor a Tetum name.
    #[error("species {0} has no name in English or Tetum")]
    NoName(i64),
}

impl Species {
    /// A catalogue entry.
    ///
    /// # Errors
    /// [`SpeciesError`] when the code is negative or too large, or both names are empty (an
    /// entry named only in Tetum is kept: PeskAAS species 209 `Nunurasa`).
    pub fn new(code: i64, common_name: &str, tetum_name: &str) -> Result<Self, SpeciesError> {
        if code < 0 {
            return Err(SpeciesError::NegativeCode(code));
        }
        let code32 = i32::try_from(code).map_err(|_| SpeciesError::CodeTooLarge(code))?;
        if common_name.trim().is_empty() && tetum_name.trim().is_empty() {
            return Err(SpeciesError::NoName(code));
        }
        Ok(Species {
            code: code32,
            common_name: common_name.trim().to_string(),
            tetum_name: tetum_name.trim().to_string(),
        })
    }

    /// True for the catalogue's "no catch" entry (code 0).
    pub fn is_no_catch(&self) -> bool {
        self.code == 0
    }
}

impl Species {
    /// The name to show: the English name, else the Tetum name.
    pub fn display_name(&self) -> &str {
        if self.common_name.is_empty() {
            &self.tetum_name
        } else {
            &self.common_name
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn species_need_a_non_negative_code_and_a_name() {
        let s = Species::new(1, " Long tom ", "DAUN, Farde, Basarus");
        assert_eq!(s.as_ref().map(|s| s.common_name.as_str()), Ok("Long tom"));
        assert_eq!(s.map(|s| s.is_no_catch()), Ok(false));
        assert_eq!(
            Species::new(-1, "x", ""),
            Err(SpeciesError::NegativeCode(-1))
        );
        assert_eq!(
            Species::new(3_000_000_000, "x", ""),
            Err(SpeciesError::CodeTooLarge(3_000_000_000))
        );
        assert_eq!(Species::new(2, " ", ""), Err(SpeciesError::NoName(2)));
        assert!(Species::new(209, "", "Nunurasa").is_ok());
        assert_eq!(
            Species::new(0, "NOCATCH", "").map(|s| s.is_no_catch()),
            Ok(true)
        );
    }
}
