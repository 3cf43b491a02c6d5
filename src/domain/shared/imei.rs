//! The IMEI of a GPS tracker: the identity the tracking and spatial-catch contexts share.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Number of digits of an IMEI (3GPP TS 23.003 §6.2.1: TAC 8, serial 6, check digit 1).
pub const IMEI_DIGITS: usize = 15;

/// Why a text is not an IMEI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImeiError {
    /// Nothing but white space.
    #[error("the IMEI is empty")]
    Empty,
    /// A character other than an ASCII digit 0–9.
    #[error("IMEI `{0}` has a character other than the digits 0-9")]
    NotDigits(String),
    /// Digits only, but not 15 of them.
    #[error("IMEI `{text}` has {len} digits; an IMEI has 15")]
    WrongLength {
        /// The refused text (trimmed).
        text: String,
        /// Its number of digits.
        len: usize,
    },
}

/// The International Mobile Equipment Identity of a tracker: exactly 15 ASCII digits,
/// kept as text so that leading zeros survive (PDS `IMEI`, PeskAAS `tracked_trips.IMEI`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Imei(String);

impl Imei {
    /// Parses an IMEI; white space around it is ignored.
    ///
    /// The check digit is not enforced (see [`Imei::has_valid_check_digit`]): a tracker
    /// reports the number it was given.
    ///
    /// # Errors
    /// [`ImeiError`] naming why: empty, a non-digit, or not 15 digits.
    pub fn parse(text: &str) -> Result<Self, ImeiError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(ImeiError::Empty);
        }
        if !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ImeiError::NotDigits(t.to_string()));
        }
        if t.len() != IMEI_DIGITS {
            return Err(ImeiError::WrongLength {
                text: t.to_string(),
                len: t.len(),
            });
        }
        Ok(Imei(t.to_string()))
    }

    /// The 15 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the 15th digit is the Luhn check digit of the first 14 (3GPP TS 23.003
    /// Annex B). All 286 trackers of the PeskAAS data pass.
    pub fn has_valid_check_digit(&self) -> bool {
        let sum: u32 = self
            .0
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                if i % 2 == 1 {
                    let dd = d * 2;
                    if dd > 9 { dd - 9 } else { dd }
                } else {
                    d
                }
            })
            .sum();
        sum.is_multiple_of(10)
    }
}

impl TryFrom<String> for Imei {
    type Error = ImeiError;
    fn try_from(text: String) -> Result<Self, ImeiError> {
        Imei::parse(&text)
    }
}

impl From<Imei> for String {
    fn from(imei: Imei) -> Self {
        imei.0
    }
}

impl fmt::Display for Imei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
