//! Tracker IMEIs: the full 15-digit id of a deployed device, and the (often partial) IMEI an
//! enumerator writes on a landing survey, resolved against the deployed devices.
//!
//! Rules (sources):
//! - PeskAAS kept only the last 7 digits of the IMEI written on a survey, left-padded with
//!   zeros, and wrote `0000000` when there was none (shaunpwilkinson/peskAAS, the daily
//!   KoBo/PDS script `peskaPARSE.R`: `sub(".+(.{7})$", …)` and the zero padding). The PeskAAS
//!   `trips.csv` therefore holds 7-digit suffixes, 16,799 of them `0000000`.
//! - Peskas resolves a written IMEI against the deployed devices: `NA` and `0` are no IMEI;
//!   a minus sign is a typo and is dropped; fewer than 5 digits is too short (alert 1); the
//!   written digits must end exactly one deployed IMEI, else the IMEI is ambiguous (alert 2,
//!   several) or unknown (alert 3, none) (WorldFishCenter/peskas.timor.data.pipeline,
//!   `R/validate-imei.R`: `validate_this_imei()`, `get_deployed_imeis()`).

use serde::{Deserialize, Serialize};

pub use crate::domain::shared::{IMEI_DIGITS, Imei, ImeiError};

/// Fewest significant digits (leading zeros not counted) a written IMEI needs to be
/// resolved: 5 (Peskas `validate_this_imei()`, alert 1 "IMEI is too short").
pub const MIN_IMEI_DIGITS: usize = 5;

/// How a written IMEI was resolved to a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImeiMatch {
    /// The landing gives the full 15 digits of a deployed device.
    Full,
    /// The landing gives fewer digits, and exactly one deployed device ends with them.
    Suffix,
}

impl ImeiMatch {
    /// `full` or `suffix`, as stored.
    pub fn key(self) -> &'static str {
        match self {
            ImeiMatch::Full => "full",
            ImeiMatch::Suffix => "suffix",
        }
    }
}

/// What the IMEI written on a landing resolves to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImeiResolution {
    /// No IMEI: nothing written, or only zeros (`0000000` is PeskAAS's "none").
    None,
    /// Not an IMEI: a character other than digits and separators (spaces, `-`, `.`, `_`,
    /// `/`), e.g. `8.63835e+14` from a spreadsheet. Flag `imei.unreadable`.
    Unreadable,
    /// Fewer than [`MIN_IMEI_DIGITS`] significant digits. Flag `imei.too_short`.
    TooShort,
    /// No deployed device ends with the digits. Flag `imei.unknown`.
    Unknown,
    /// Several deployed devices end with the digits. Flag `imei.ambiguous`.
    Ambiguous {
        /// How many devices end with them.
        devices: u32,
    },
    /// Exactly one deployed device: this one.
    Device {
        /// The device's full IMEI.
        imei: Imei,
        /// Whether the landing gave the full IMEI or a suffix of it.
        via: ImeiMatch,
    },
}

impl ImeiResolution {
    /// The flag code of an IMEI that does not resolve (`imei.unreadable`, `imei.too_short`,
    /// `imei.unknown`, `imei.ambiguous`); `imei.none` for no IMEI; `imei.full` or
    /// `imei.suffix` when resolved.
    pub fn key(&self) -> &'static str {
        match self {
            ImeiResolution::None => "imei.none",
            ImeiResolution::Unreadable => "imei.unreadable",
            ImeiResolution::TooShort => "imei.too_short",
            ImeiResolution::Unknown => "imei.unknown",
            ImeiResolution::Ambiguous { .. } => "imei.ambiguous",
            ImeiResolution::Device {
                via: ImeiMatch::Full,
                ..
            } => "imei.full",
            ImeiResolution::Device {
                via: ImeiMatch::Suffix,
                ..
            } => "imei.suffix",
        }
    }

    /// The device, when the IMEI resolved to exactly one.
    pub fn device(&self) -> Option<&Imei> {
        match self {
            ImeiResolution::Device { imei, .. } => Some(imei),
            _ => None,
        }
    }

    /// True when the landing reports a tracker IMEI at all (anything but
    /// [`ImeiResolution::None`]): the denominator of the landing match rate.
    pub fn reports_tracker(&self) -> bool {
        !matches!(self, ImeiResolution::None)
    }
}

/// What is written, reduced to digits: `Err` for an unreadable text, `Ok(None)` for no IMEI.
fn written_digits(written: Option<&str>) -> Result<Option<String>, ImeiResolution> {
    let Some(text) = written else {
        return Ok(None);
    };
    let mut digits = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !(c.is_whitespace() || matches!(c, '-' | '.' | '_' | '/')) {
            return Err(ImeiResolution::Unreadable);
        }
    }
    if digits.bytes().all(|b| b == b'0') {
        // Empty, or PeskAAS's `0000000`, or Peskas's `0`.
        return Ok(None);
    }
    Ok(Some(digits))
}

/// The deployed devices: the full IMEIs a written IMEI may resolve to (Peskas
/// `get_deployed_imeis()`; tasi takes them from the tracked trips, see
/// [`super::DeployedDevices::from_trips`]).
///
/// Stored as reversed digit strings, sorted, so that "the devices that end with these digits"
/// is a binary search for a prefix: resolving costs O(log n) per landing, not a scan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeployedDevices {
    /// (reversed digits, the device), sorted by the reversed digits.
    reversed: Vec<(String, Imei)>,
}

impl DeployedDevices {
    /// The devices `imeis` (duplicates ignored).
    pub fn new(imeis: impl IntoIterator<Item = Imei>) -> Self {
        let mut reversed: Vec<(String, Imei)> = imeis
            .into_iter()
            .map(|i| (i.as_str().chars().rev().collect(), i))
            .collect();
        reversed.sort_unstable();
        reversed.dedup();
        DeployedDevices { reversed }
    }

    /// Number of devices.
    pub fn len(&self) -> usize {
        self.reversed.len()
    }

    /// True when there is no device.
    pub fn is_empty(&self) -> bool {
        self.reversed.is_empty()
    }

    /// Resolves the IMEI written on a landing.
    ///
    /// Separators (whitespace, `-`, `.`, `_`, `/`) are dropped, so a minus sign typed before
    /// the digits is ignored as Peskas does; any other character makes it
    /// [`ImeiResolution::Unreadable`]. Empty or all zeros is [`ImeiResolution::None`]. Fewer
    /// than [`MIN_IMEI_DIGITS`] significant digits is [`ImeiResolution::TooShort`]. Otherwise
    /// the digits, leading zeros kept (PeskAAS padded its 7-digit suffixes with zeros, and
    /// those zeros are digits of the device's IMEI), must end exactly one device.
    ///
    /// ```
    /// use tasi::domain::spatial_catch::{DeployedDevices, Imei, ImeiMatch, ImeiResolution};
    /// let devices = DeployedDevices::new(
    ///     ["863835026738521", "861508039395645"].into_iter().filter_map(|t| Imei::parse(t).ok()),
    /// );
    /// assert_eq!(devices.resolve(Some("6738521")).device().map(|i| i.as_str()),
    ///            Some("863835026738521"));
    /// assert_eq!(devices.resolve(Some("0000000")), ImeiResolution::None);
    /// assert_eq!(devices.resolve(Some("1234567")), ImeiResolution::Unknown);
    /// ```
    pub fn resolve(&self, written: Option<&str>) -> ImeiResolution {
        let digits = match written_digits(written) {
            Err(unreadable) => return unreadable,
            Ok(None) => return ImeiResolution::None,
            Ok(Some(d)) => d,
        };
        if digits.trim_start_matches('0').len() < MIN_IMEI_DIGITS {
            return ImeiResolution::TooShort;
        }
        let key: String = digits.chars().rev().collect();
        let start = self
            .reversed
            .partition_point(|(r, _)| r.as_str() < key.as_str());
        let mut candidates = self.reversed[start..]
            .iter()
            .take_while(|(r, _)| r.starts_with(key.as_str()));
        match (candidates.next(), candidates.next()) {
            (None, _) => ImeiResolution::Unknown,
            (Some((_, only)), None) => ImeiResolution::Device {
                imei: only.clone(),
                via: if digits.len() == IMEI_DIGITS {
                    ImeiMatch::Full
                } else {
                    ImeiMatch::Suffix
                },
            },
            (Some(_), Some(_)) => ImeiResolution::Ambiguous {
                devices: 2 + candidates.count() as u32,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devices(imeis: &[&str]) -> DeployedDevices {
        DeployedDevices::new(imeis.iter().filter_map(|t| Imei::parse(t).ok()))
    }

    fn device(text: &str) -> ImeiResolution {
        ImeiResolution::Device {
            imei: Imei::parse(text).unwrap_or_else(|e| panic!("{e}")),
            via: ImeiMatch::Suffix,
        }
    }

    #[test]
    fn a_full_imei_is_fifteen_digits() {
        assert!(Imei::parse(" 863835026738521 ").is_ok());
        for bad in ["86383502673852", "8638350267385210", "86383502673852x", ""] {
            assert!(Imei::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_partial_imei_resolves_when_exactly_one_device_ends_with_it() {
        let d = devices(&["863835026738521", "861508039395645", "861508039395645"]);
        assert_eq!(d.len(), 2, "duplicates are one device");
        // one device
        assert_eq!(d.resolve(Some("6738521")), device("863835026738521"));
        // none
        assert_eq!(d.resolve(Some("7777777")), ImeiResolution::Unknown);
        assert_eq!(d.resolve(Some("7777777")).key(), "imei.unknown");
        // several: two devices share the last 7 digits
        let shared = devices(&["861508039395645", "862222239395645", "863835026738521"]);
        assert_eq!(
            shared.resolve(Some("9395645")),
            ImeiResolution::Ambiguous { devices: 2 }
        );
        assert_eq!(shared.resolve(Some("9395645")).key(), "imei.ambiguous");
        // more digits tell them apart
        assert_eq!(shared.resolve(Some("039395645")), device("861508039395645"));
    }

    #[test]
    fn the_full_imei_of_a_deployed_device_resolves_as_full() {
        let d = devices(&["863835026738521"]);
        assert_eq!(
            d.resolve(Some("863835026738521")),
            ImeiResolution::Device {
                imei: Imei::parse("863835026738521").unwrap_or_else(|e| panic!("{e}")),
                via: ImeiMatch::Full
            }
        );
        assert_eq!(d.resolve(Some("863835026738521")).key(), "imei.full");
        // a full IMEI that is not deployed, and one digit too many
        assert_eq!(d.resolve(Some("999835026738521")), ImeiResolution::Unknown);
        assert_eq!(d.resolve(Some("1863835026738521")), ImeiResolution::Unknown);
    }

    #[test]
    fn zeros_and_nothing_are_no_imei() {
        let d = devices(&["863835026738521"]);
        for none in [
            None,
            Some(""),
            Some("  "),
            Some("0"),
            Some("0000000"),
            Some("-"),
        ] {
            assert_eq!(d.resolve(none), ImeiResolution::None, "{none:?}");
            assert!(!d.resolve(none).reports_tracker());
        }
    }

    #[test]
    fn separators_and_a_minus_sign_are_dropped_other_characters_are_unreadable() {
        let d = devices(&["863835026738521"]);
        assert_eq!(d.resolve(Some("-6738521")), device("863835026738521"));
        assert_eq!(d.resolve(Some("673 8521")), device("863835026738521"));
        assert_eq!(d.resolve(Some("8.63835e+14")), ImeiResolution::Unreadable);
        assert_eq!(d.resolve(Some("n/a")), ImeiResolution::Unreadable);
        assert!(d.resolve(Some("n/a")).reports_tracker());
    }

    #[test]
    fn fewer_than_five_significant_digits_are_too_short() {
        let d = devices(&["863835026738521"]);
        assert_eq!(d.resolve(Some("8521")), ImeiResolution::TooShort);
        // PeskAAS's padding: `0008521` is 4 significant digits
        assert_eq!(d.resolve(Some("0008521")), ImeiResolution::TooShort);
        assert_eq!(d.resolve(Some("38521")), device("863835026738521"));
    }

    #[test]
    fn leading_zeros_are_digits_of_the_suffix() {
        let d = devices(&["863835020012345", "863835021112345"]);
        assert_eq!(d.resolve(Some("0012345")), device("863835020012345"));
        assert_eq!(
            d.resolve(Some("12345")),
            ImeiResolution::Ambiguous { devices: 2 }
        );
    }
}
