//! The survey's code lists: boat type and habitat (PeskAAS code lists, data README
//! "Code lists"; the same codes as the Peskas landings form). The gear list is the shared
//! kernel's: tracks and the spatial catch speak it too.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::shared::UnknownCode;

/// The type of craft of a surveyed landing. PeskAAS `boat_code`: 1 canoe, 2 motor boat,
/// 3 shore (fishing from the shore, no boat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BoatType {
    /// A canoe (`beiro`), paddled or sailed: code 1.
    Canoe,
    /// A motor boat (outboard or inboard engine): code 2.
    Motor,
    /// Shore fishing, no boat: code 3.
    Shore,
}

impl BoatType {
    /// The boat type of PeskAAS `boat_code`.
    ///
    /// # Errors
    /// [`UnknownCode`] for any code other than 1, 2, 3.
    pub fn from_code(code: i64) -> Result<Self, UnknownCode> {
        match code {
            1 => Ok(BoatType::Canoe),
            2 => Ok(BoatType::Motor),
            3 => Ok(BoatType::Shore),
            _ => Err(UnknownCode {
                list: "boat type",
                code,
                allowed: "1 canoe, 2 motor, 3 shore",
            }),
        }
    }

    /// The PeskAAS code.
    pub fn code(self) -> i16 {
        match self {
            BoatType::Canoe => 1,
            BoatType::Motor => 2,
            BoatType::Shore => 3,
        }
    }

    /// The key used in URLs and CSV (`canoe`, `motor`, `shore`).
    pub fn key(self) -> &'static str {
        match self {
            BoatType::Canoe => "canoe",
            BoatType::Motor => "motor",
            BoatType::Shore => "shore",
        }
    }

    /// Parses the key (`canoe`, `motor`, `shore`).
    pub fn from_key(key: &str) -> Option<Self> {
        [BoatType::Canoe, BoatType::Motor, BoatType::Shore]
            .into_iter()
            .find(|b| b.key() == key)
    }

    /// Every boat type, in code order.
    pub const ALL: [BoatType; 3] = [BoatType::Canoe, BoatType::Motor, BoatType::Shore];
}

impl fmt::Display for BoatType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BoatType::Canoe => "Canoe",
            BoatType::Motor => "Motor boat",
            BoatType::Shore => "Shore",
        })
    }
}

/// The habitat fished, in the survey's original codes (PeskAAS `habitat_code` 1–7).
///
/// The PeskAAS summaries lump traditional FAD into FAD; see [`Habitat::summary_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Habitat {
    /// 1 reef.
    Reef,
    /// 2 FAD (fish aggregating device).
    Fad,
    /// 3 deep water.
    DeepWater,
    /// 4 beach.
    Beach,
    /// 5 traditional FAD.
    TraditionalFad,
    /// 6 mangrove.
    Mangrove,
    /// 7 gleaning.
    Gleaning,
}

impl Habitat {
    /// Every habitat, in code order.
    pub const ALL: [Habitat; 7] = [
        Habitat::Reef,
        Habitat::Fad,
        Habitat::DeepWater,
        Habitat::Beach,
        Habitat::TraditionalFad,
        Habitat::Mangrove,
        Habitat::Gleaning,
    ];

    /// The habitat of PeskAAS `habitat_code`.
    ///
    /// # Errors
    /// [`UnknownCode`] for a code outside 1–7.
    pub fn from_code(code: i64) -> Result<Self, UnknownCode> {
        usize::try_from(code - 1)
            .ok()
            .and_then(|i| Habitat::ALL.get(i).copied())
            .ok_or(UnknownCode {
                list: "habitat",
                code,
                allowed: "1–7",
            })
    }

    /// The survey's code, 1–7.
    pub fn code(self) -> i16 {
        Habitat::ALL.iter().position(|h| *h == self).unwrap_or(0) as i16 + 1
    }

    /// The code the PeskAAS summaries use: traditional FAD (5) counts as FAD (2), then
    /// mangrove 6 → 5 and gleaning 7 → 6 (DOMAIN.md rule set `peskaas-2020`, step 2).
    ///
    /// ```
    /// use tasi::domain::landings::Habitat;
    /// assert_eq!(Habitat::TraditionalFad.summary_code(), 2);
    /// assert_eq!(Habitat::Gleaning.summary_code(), 6);
    /// ```
    pub fn summary_code(self) -> i16 {
        match self {
            Habitat::TraditionalFad => 2,
            Habitat::Mangrove => 5,
            Habitat::Gleaning => 6,
            other => other.code(),
        }
    }
}

impl fmt::Display for Habitat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Habitat::Reef => "Reef",
            Habitat::Fad => "FAD",
            Habitat::DeepWater => "Deep water",
            Habitat::Beach => "Beach",
            Habitat::TraditionalFad => "Traditional FAD",
            Habitat::Mangrove => "Mangrove",
            Habitat::Gleaning => "Gleaning",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boat_types_round_trip_their_codes_and_keys() {
        for b in BoatType::ALL {
            assert_eq!(BoatType::from_code(b.code().into()), Ok(b));
            assert_eq!(BoatType::from_key(b.key()), Some(b));
        }
        assert_eq!(BoatType::from_code(1), Ok(BoatType::Canoe));
        assert!(BoatType::from_code(0).is_err());
        assert!(BoatType::from_code(4).is_err());
        assert_eq!(BoatType::from_key("boat"), None);
    }

    #[test]
    fn habitats_are_codes_one_to_seven() {
        for (i, h) in Habitat::ALL.into_iter().enumerate() {
            assert_eq!(Habitat::from_code(i as i64 + 1), Ok(h));
        }
        assert!(Habitat::from_code(8).is_err());
        assert!(Habitat::from_code(0).is_err());
    }

    #[test]
    fn summaries_lump_traditional_fad_into_fad_and_shift_mangrove_and_gleaning() {
        let summary: Vec<i16> = Habitat::ALL.iter().map(|h| h.summary_code()).collect();
        assert_eq!(summary, vec![1, 2, 3, 4, 2, 5, 6]);
    }
}
