//! The PeskAAS national catch estimate (DOMAIN.md, "PeskAAS national catch"; the PeskAAS
//! application's `estimate_catch`, Tilley et al., PLoS ONE 15(11): e0234760, 2020).
//!
//! Catch (t per month) = Σ over boat types b ∈ {canoe, motor boat} of
//! CPUE_b × EPT_b × VAC_b × N_b × 0.001, where CPUE_b is in kg per fisher-hour (the month's
//! summary of that boat type), EPT_b the fisher-hours of an average trip, VAC_b the trips
//! of an average boat in a month, and N_b the boats of that type in the fleet census.

/// The boat types PeskAAS raises to the fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FleetBoatType {
    /// Canoes (the census's `canoes_beiro`).
    Canoe,
    /// Motor boats (the census's `motor_boats_johnson + motor_boats_ketinting +
    /// motor_boats_yamaha`).
    Motor,
}

impl FleetBoatType {
    /// Both types, canoes first.
    pub const ALL: [FleetBoatType; 2] = [FleetBoatType::Canoe, FleetBoatType::Motor];

    /// Effort per trip (fisher-hours): 4 for canoes, 10 for motor boats (PeskAAS).
    pub fn effort_per_trip(self) -> f64 {
        match self {
            FleetBoatType::Canoe => 4.0,
            FleetBoatType::Motor => 10.0,
        }
    }

    /// Trips per boat per month: 8.2 for canoes, 15.3 for motor boats (PeskAAS).
    pub fn trips_per_month(self) -> f64 {
        match self {
            FleetBoatType::Canoe => 8.2,
            FleetBoatType::Motor => 15.3,
        }
    }

    /// The key used in files and pages: `canoe`, `motor`.
    pub fn key(self) -> &'static str {
        match self {
            FleetBoatType::Canoe => "canoe",
            FleetBoatType::Motor => "motor",
        }
    }
}

/// One boat type's part of a month's national catch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoatTypeCatch {
    /// The boat type.
    pub boat_type: FleetBoatType,
    /// CPUE of the month's surveyed landings of that type (kg per fisher-hour).
    pub cpue: f64,
    /// Boats of that type in the fleet census.
    pub boats: u32,
    /// The estimated catch (tonnes).
    pub catch_t: f64,
}

/// The catch (tonnes in a month) of `boats` boats of `boat_type` fishing at `cpue` kg per
/// fisher-hour: CPUE × EPT × VAC × N × 0.001.
pub fn boat_type_catch(boat_type: FleetBoatType, cpue: f64, boats: u32) -> BoatTypeCatch {
    BoatTypeCatch {
        boat_type,
        cpue,
        boats,
        catch_t: cpue
            * boat_type.effort_per_trip()
            * boat_type.trips_per_month()
            * f64::from(boats)
            * 0.001,
    }
}

/// The national catch of a month (tonnes): the sum of its boat types' parts.
pub fn national_catch(parts: &[BoatTypeCatch]) -> f64 {
    parts.iter().map(|p| p.catch_t).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_raised_by_boat_type_and_summed() {
        // 2 kg per fisher-hour, 100 canoes: 2 × 4 × 8.2 × 100 / 1000 = 6.56 t.
        let canoes = boat_type_catch(FleetBoatType::Canoe, 2.0, 100);
        assert!((canoes.catch_t - 6.56).abs() < 1e-9);
        // 1.5 kg per fisher-hour, 40 motor boats: 1.5 × 10 × 15.3 × 40 / 1000 = 9.18 t.
        let motor = boat_type_catch(FleetBoatType::Motor, 1.5, 40);
        assert!((motor.catch_t - 9.18).abs() < 1e-9);
        assert!((national_catch(&[canoes, motor]) - 15.74).abs() < 1e-9);
        assert_eq!(boat_type_catch(FleetBoatType::Motor, 3.0, 0).catch_t, 0.0);
    }
}
