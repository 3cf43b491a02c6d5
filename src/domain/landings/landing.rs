//! The `SurveyedLanding` aggregate and its `CatchLine`s, holding the values as they were
//! reported: the rule set ([`super::rules`]) decides what they mean.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::codes::{BoatType, Habitat};
use crate::domain::shared::JurisdictionPath;
use crate::domain::shared::{Gear, UnknownCode};

/// Identity of a surveyed landing inside tasi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LandingId(pub Uuid);

impl LandingId {
    /// A fresh id: a UUID v7 (RFC 9562), time-ordered, so that bulk inserts append to the
    /// primary-key index instead of scattering over it.
    pub fn new() -> Self {
        LandingId(Uuid::now_v7())
    }
}

impl Default for LandingId {
    fn default() -> Self {
        Self::new()
    }
}

/// Where a landing was surveyed: the landing site's jurisdiction path and, when known, the
/// name of its municipality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandingSiteRef {
    /// The site's code in the source (PeskAAS `station_code`).
    pub code: String,
    /// The site's path, e.g. `Timor-Leste/Atauro/Station 6` (or `Timor-Leste/Station 3` for
    /// a site of unknown municipality).
    pub path: JurisdictionPath,
    /// The municipality's name, `None` when the site's municipality is unknown.
    pub municipality: Option<String>,
}

/// What the catch of a line was for (PeskAAS `food_sale`; Tetum `nain_rua` = both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CatchUse {
    /// Eaten by the household.
    Food,
    /// Sold.
    Sale,
    /// Partly eaten, partly sold.
    Both,
}

/// Why a catch-use text is not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a catch use (food, sale, both, nain_rua)")]
pub struct UnknownCatchUse(pub String);

impl CatchUse {
    /// Parses `food`, `sale`, `both` or its Tetum form `nain_rua` (case-insensitive).
    ///
    /// # Errors
    /// [`UnknownCatchUse`] for any other text.
    pub fn parse(text: &str) -> Result<Self, UnknownCatchUse> {
        match text.trim().to_ascii_lowercase().as_str() {
            "food" => Ok(CatchUse::Food),
            "sale" => Ok(CatchUse::Sale),
            "both" | "nain_rua" => Ok(CatchUse::Both),
            _ => Err(UnknownCatchUse(text.to_string())),
        }
    }

    /// The key stored and shown (`food`, `sale`, `both`).
    pub fn key(self) -> &'static str {
        match self {
            CatchUse::Food => "food",
            CatchUse::Sale => "sale",
            CatchUse::Both => "both",
        }
    }
}

/// One species (and length class) of a surveyed landing, as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatchLine {
    /// Species code of the catalogue (0 = no catch); `None` when not reported.
    pub species_code: Option<i32>,
    /// Length class midpoint in centimetres.
    pub length_cm: Option<f64>,
    /// Number of fish.
    pub count: Option<f64>,
    /// Weight in grams (computed by the source from a length–weight relationship).
    pub weight_g: Option<f64>,
    /// Food, sale or both.
    pub catch_use: Option<CatchUse>,
    /// The source's own quality flag (PeskAAS catch `flag_code`; see the rule set).
    pub source_flag: Option<i16>,
    /// Free-text note.
    pub note: Option<String>,
}

/// Fishers on board, as reported.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Fishers {
    /// Men fishers.
    pub men: Option<i32>,
    /// Women fishers.
    pub women: Option<i32>,
    /// Children fishing.
    pub children: Option<i32>,
    /// All fishers (PeskAAS `rel_effort`).
    pub total: Option<f64>,
}

/// One interview of one returning boat or shore fisher, with its catch lines: the values as
/// they were reported, so nothing the enumerator wrote is lost.
///
/// Codes are kept as reported numbers; [`SurveyedLanding::habitat`] and the other accessors
/// give them as value objects. Invariant: the catch lines belong to this landing alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyedLanding {
    /// tasi's id.
    pub id: LandingId,
    /// The source's id of the interview (PeskAAS `trip_id`): the key of idempotent imports.
    pub source_id: i64,
    /// Landing date; `None` when not reported.
    pub date: Option<NaiveDate>,
    /// Where it was surveyed.
    pub site: LandingSiteRef,
    /// Habitat code as reported (1–7 are known).
    pub habitat_code: Option<i16>,
    /// Boat code as reported (1 canoe, 2 motor, 3 shore).
    pub boat_code: Option<i16>,
    /// Gear code as reported (1–9 are known).
    pub gear_code: Option<i16>,
    /// Whether the boat carries a GPS tracker.
    pub has_tracker: Option<bool>,
    /// Tracker IMEI as reported (may be partial or `0000000`).
    pub imei: Option<String>,
    /// Mesh size in inches.
    pub mesh_inches: Option<f64>,
    /// Hours at sea as reported (may be negative or absurd: the rule set decides).
    pub hours_at_sea: Option<f64>,
    /// Fishers on board.
    pub fishers: Fishers,
    /// Fisher-hours as reported (PeskAAS `trip_effort` = fishers × hours).
    pub fisher_hours: Option<f64>,
    /// Value of the whole catch in USD, as reported.
    pub catch_value_usd: Option<f64>,
    /// Fisher's satisfaction rank 1–5.
    pub rank: Option<i16>,
    /// Boats seen landing at the site that day.
    pub boats_landing: Option<i32>,
    /// Gleaners seen at the site that day.
    pub gleaners: Option<i32>,
    /// The source's own QA flag of the trip (kept, not used by `peskaas-2020`).
    pub source_flag: Option<i16>,
    /// Free-text note.
    pub note: Option<String>,
    /// The catch lines, in file order.
    pub catch_lines: Vec<CatchLine>,
}

impl SurveyedLanding {
    /// The habitat, `None` when not reported.
    ///
    /// # Errors
    /// [`UnknownCode`] when the reported code is not in the code list.
    pub fn habitat(&self) -> Option<Result<Habitat, UnknownCode>> {
        self.habitat_code.map(|c| Habitat::from_code(c.into()))
    }

    /// The boat type, `None` when not reported.
    ///
    /// # Errors
    /// [`UnknownCode`] when the reported code is not in the code list.
    pub fn boat_type(&self) -> Option<Result<BoatType, UnknownCode>> {
        self.boat_code.map(|c| BoatType::from_code(c.into()))
    }

    /// The gear, `None` when not reported.
    ///
    /// # Errors
    /// [`UnknownCode`] when the reported code is not in the code list.
    pub fn gear(&self) -> Option<Result<Gear, UnknownCode>> {
        self.gear_code.map(|c| Gear::from_code(c.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_use_reads_english_and_tetum() {
        assert_eq!(CatchUse::parse("food"), Ok(CatchUse::Food));
        assert_eq!(CatchUse::parse(" Sale "), Ok(CatchUse::Sale));
        assert_eq!(CatchUse::parse("both"), Ok(CatchUse::Both));
        assert_eq!(CatchUse::parse("nain_rua"), Ok(CatchUse::Both));
        assert_eq!(CatchUse::parse("gift"), Err(UnknownCatchUse("gift".into())));
        assert_eq!(CatchUse::Both.key(), "both");
    }
}
