//! Tracker identities: the IMEI of a GPS tracker (shared kernel), and the possibly partial
//! IMEI that an enumerator writes on a survey form.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::domain::shared::{IMEI_DIGITS, Imei, ImeiError};

/// Why a text is not an IMEI fragment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImeiFragmentError {
    /// A character other than an ASCII digit 0–9.
    #[error("IMEI fragment `{0}` has a character other than the digits 0-9")]
    NotDigits(String),
    /// More than 15 digits.
    #[error("IMEI fragment `{text}` has {len} digits; an IMEI has at most 15")]
    TooLong {
        /// The refused text (trimmed).
        text: String,
        /// Its number of digits.
        len: usize,
    },
    /// Empty or zeros only: no tracker id was written. Only reading a stored fragment back
    /// refuses it; [`ImeiFragment::parse`] answers `Ok(None)`.
    #[error("IMEI fragment `{0}` is empty or zeros only, which means no tracker id")]
    NoneWritten(String),
}

/// The tracker id an enumerator wrote on a survey form: 1 to 15 digits, possibly only the
/// last digits of the IMEI (PeskAAS `trips.IMEI` holds 7, e.g. `9405006` for tracker
/// `861508039405006`; Peskas form field `trip_group/IMEI`). Leading zeros are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImeiFragment(String);

impl ImeiFragment {
    /// Parses what was written; white space around it is ignored. An empty text, or one
    /// of zeros only (PeskAAS `0000000`), means no tracker id was written: `Ok(None)`.
    ///
    /// # Errors
    /// [`ImeiFragmentError`] for a non-digit or more than 15 digits.
    pub fn parse(text: &str) -> Result<Option<Self>, ImeiFragmentError> {
        let t = text.trim();
        if !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ImeiFragmentError::NotDigits(t.to_string()));
        }
        if t.len() > IMEI_DIGITS {
            return Err(ImeiFragmentError::TooLong {
                text: t.to_string(),
                len: t.len(),
            });
        }
        if t.bytes().all(|b| b == b'0') {
            return Ok(None);
        }
        Ok(Some(ImeiFragment(t.to_string())))
    }

    /// The digits as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when all 15 digits were written.
    pub fn is_complete(&self) -> bool {
        self.0.len() == IMEI_DIGITS
    }

    /// The IMEI, when the fragment is complete.
    pub fn to_imei(&self) -> Option<Imei> {
        if self.is_complete() {
            Imei::parse(&self.0).ok()
        } else {
            None
        }
    }

    /// True when `imei` ends with these digits (a complete fragment must equal it).
    pub fn matches(&self, imei: &Imei) -> bool {
        imei.as_str().ends_with(&self.0)
    }
}

impl TryFrom<String> for ImeiFragment {
    type Error = ImeiFragmentError;
    fn try_from(text: String) -> Result<Self, ImeiFragmentError> {
        match ImeiFragment::parse(&text)? {
            Some(fragment) => Ok(fragment),
            None => Err(ImeiFragmentError::NoneWritten(text)),
        }
    }
}

impl From<ImeiFragment> for String {
    fn from(fragment: ImeiFragment) -> Self {
        fragment.0
    }
}

impl fmt::Display for ImeiFragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_imei_is_exactly_fifteen_ascii_digits() {
        let imei = Imei::parse(" 861508039405006 ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imei.as_str(), "861508039405006");
        assert_eq!(imei.to_string(), "861508039405006");
        assert_eq!(Imei::parse(""), Err(ImeiError::Empty));
        assert_eq!(Imei::parse("  "), Err(ImeiError::Empty));
        assert_eq!(
            Imei::parse("86150803940500"),
            Err(ImeiError::WrongLength {
                text: "86150803940500".into(),
                len: 14
            })
        );
        assert_eq!(
            Imei::parse("8615080394050060"),
            Err(ImeiError::WrongLength {
                text: "8615080394050060".into(),
                len: 16
            })
        );
        assert_eq!(
            Imei::parse("8.61508039405006e14"),
            Err(ImeiError::NotDigits("8.61508039405006e14".into()))
        );
        // Non-ASCII digits (Arabic-Indic, fullwidth) are refused too.
        assert!(matches!(
            Imei::parse("٨٦١٥٠٨٠٣٩٤٠٥٠٠٦"),
            Err(ImeiError::NotDigits(_))
        ));
        assert!(matches!(
            Imei::parse("86150803940500６"),
            Err(ImeiError::NotDigits(_))
        ));
    }

    #[test]
    fn the_luhn_check_digit_is_reported_not_enforced() {
        let good = Imei::parse("861508039405006").unwrap_or_else(|e| panic!("{e}"));
        assert!(good.has_valid_check_digit());
        let bad = Imei::parse("861508039405007").unwrap_or_else(|e| panic!("{e}"));
        assert!(!bad.has_valid_check_digit());
        // The example IMEI of 3GPP TS 23.003 Annex B.
        let annex = Imei::parse("490154203237518").unwrap_or_else(|e| panic!("{e}"));
        assert!(annex.has_valid_check_digit());
    }

    #[test]
    fn a_fragment_is_the_tail_of_an_imei_and_zeros_mean_none() {
        let imei = Imei::parse("861508039405006").unwrap_or_else(|e| panic!("{e}"));
        let frag = ImeiFragment::parse("9405006")
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("a fragment"));
        assert!(!frag.is_complete());
        assert!(frag.matches(&imei));
        assert_eq!(frag.to_imei(), None);
        let other = ImeiFragment::parse("0147921").ok().flatten();
        assert_eq!(other.as_ref().map(ImeiFragment::as_str), Some("0147921"));
        assert!(!other.is_some_and(|f| f.matches(&imei)));

        assert_eq!(ImeiFragment::parse("0000000"), Ok(None));
        assert_eq!(ImeiFragment::parse(""), Ok(None));
        assert_eq!(ImeiFragment::parse(" 0 "), Ok(None));

        let full = ImeiFragment::parse("861508039405006").ok().flatten();
        assert!(full.as_ref().is_some_and(ImeiFragment::is_complete));
        assert_eq!(full.and_then(|f| f.to_imei()), Some(imei));

        assert_eq!(
            ImeiFragment::parse("94O5006"),
            Err(ImeiFragmentError::NotDigits("94O5006".into()))
        );
        assert!(matches!(
            ImeiFragment::parse("8615080394050061"),
            Err(ImeiFragmentError::TooLong { len: 16, .. })
        ));
    }
}
