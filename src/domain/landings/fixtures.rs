//! Test fixtures of the landings context: one clean surveyed landing to vary in tests.

#![cfg(test)]

use chrono::NaiveDate;

use super::landing::{CatchLine, Fishers, LandingId, LandingSiteRef, SurveyedLanding};
use crate::domain::shared::JurisdictionPath;

/// A catch line of species 1, 17 cm, 14 fish, `weight_g` grams, source flag 0.
pub(crate) fn line(weight_g: f64) -> CatchLine {
    CatchLine {
        species_code: Some(1),
        length_cm: Some(17.0),
        count: Some(14.0),
        weight_g: Some(weight_g),
        catch_use: None,
        source_flag: Some(0),
        note: None,
    }
}

/// A clean canoe landing at Atauro: 2 fishers × 2 h, 3 kg of fish.
pub(crate) fn landing() -> SurveyedLanding {
    SurveyedLanding {
        id: LandingId::new(),
        source_id: 1,
        date: NaiveDate::from_ymd_opt(2018, 5, 2),
        site: LandingSiteRef {
            code: "6".into(),
            path: JurisdictionPath::parse("Timor-Leste/Atauro/Station 6")
                .unwrap_or_else(|e| panic!("{e}")),
            municipality: Some("Atauro".into()),
        },
        habitat_code: Some(1),
        boat_code: Some(1),
        gear_code: Some(2),
        has_tracker: None,
        imei: None,
        mesh_inches: None,
        hours_at_sea: Some(2.0),
        fishers: Fishers::default(),
        fisher_hours: Some(4.0),
        catch_value_usd: Some(5.0),
        rank: None,
        boats_landing: None,
        gleaners: None,
        source_flag: Some(0),
        note: None,
        catch_lines: vec![line(1000.0), line(2000.0)],
    }
}
