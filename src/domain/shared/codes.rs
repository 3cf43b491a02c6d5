//! The fishing gear code list (PeskAAS `gear_code` 1–9, data README "Code lists"; the same
//! codes as the Peskas landings form): surveyed landings report it, tracked trips carry it
//! (imputed), the effort grid is split by it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a code is not in a code list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{list} code {code} is not one of {allowed}")]
pub struct UnknownCode {
    /// The code list (`boat type`, `gear`, `habitat`).
    pub list: &'static str,
    /// The refused code.
    pub code: i64,
    /// The codes the list allows, as text.
    pub allowed: &'static str,
}

/// A fishing gear. PeskAAS `gear_code` 1–9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Gear {
    /// 1 gill net.
    GillNet,
    /// 2 hand line.
    HandLine,
    /// 3 long line.
    LongLine,
    /// 4 spear gun.
    SpearGun,
    /// 5 cast net.
    CastNet,
    /// 6 manual collection.
    ManualCollection,
    /// 7 beach seine.
    BeachSeine,
    /// 8 seine net.
    SeineNet,
    /// 9 trap.
    Trap,
}

impl Gear {
    /// Every gear, in code order.
    pub const ALL: [Gear; 9] = [
        Gear::GillNet,
        Gear::HandLine,
        Gear::LongLine,
        Gear::SpearGun,
        Gear::CastNet,
        Gear::ManualCollection,
        Gear::BeachSeine,
        Gear::SeineNet,
        Gear::Trap,
    ];

    /// The gear of PeskAAS `gear_code`.
    ///
    /// # Errors
    /// [`UnknownCode`] for a code outside 1–9.
    pub fn from_code(code: i64) -> Result<Self, UnknownCode> {
        usize::try_from(code - 1)
            .ok()
            .and_then(|i| Gear::ALL.get(i).copied())
            .ok_or(UnknownCode {
                list: "gear",
                code,
                allowed: "1–9",
            })
    }

    /// The PeskAAS code, 1–9.
    pub fn code(self) -> i16 {
        Gear::ALL.iter().position(|g| *g == self).unwrap_or(0) as i16 + 1
    }
}

impl fmt::Display for Gear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Gear::GillNet => "Gill net",
            Gear::HandLine => "Hand line",
            Gear::LongLine => "Long line",
            Gear::SpearGun => "Spear gun",
            Gear::CastNet => "Cast net",
            Gear::ManualCollection => "Manual collection",
            Gear::BeachSeine => "Beach seine",
            Gear::SeineNet => "Seine net",
            Gear::Trap => "Trap",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gears_are_codes_one_to_nine() {
        for (i, g) in Gear::ALL.into_iter().enumerate() {
            assert_eq!(g.code(), i as i16 + 1);
            assert_eq!(Gear::from_code(i as i64 + 1), Ok(g));
        }
        assert_eq!(Gear::from_code(2), Ok(Gear::HandLine));
        assert!(Gear::from_code(0).is_err());
        assert!(Gear::from_code(10).is_err());
        assert!(Gear::from_code(-3).is_err());
    }
}
