//! The fleet census: boats by type in each census area (the frame survey PeskAAS raises its
//! catch to; `fleet_census.csv` of the PeskAAS data).

use super::peskaas::FleetBoatType;

/// One area of a fleet census and its fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusArea {
    /// The area as the census names it (`Viqueque`, `Dili (Atauro)`).
    pub area: String,
    /// Registered fishers.
    pub fishers: u32,
    /// Canoes (`canoes_beiro`).
    pub canoes: u32,
    /// Motor boats with Johnson engines.
    pub motor_johnson: u32,
    /// Motor boats with ketinting (long-tail) engines.
    pub motor_ketinting: u32,
    /// Motor boats with Yamaha engines.
    pub motor_yamaha: u32,
    /// Longline boats (not raised by the PeskAAS method).
    pub longline: u32,
}

impl CensusArea {
    /// The boats of `boat_type` the PeskAAS method raises: canoes, or the motor boats of
    /// every engine.
    pub fn boats(&self, boat_type: FleetBoatType) -> u32 {
        match boat_type {
            FleetBoatType::Canoe => self.canoes,
            FleetBoatType::Motor => self
                .motor_johnson
                .saturating_add(self.motor_ketinting)
                .saturating_add(self.motor_yamaha),
        }
    }

    /// The municipalities the area covers: its name, and the one in brackets when there is
    /// one (`Dili (Atauro)` → Dili and Atauro).
    pub fn municipalities(&self) -> Vec<String> {
        match self.area.split_once('(') {
            Some((first, rest)) => [first, rest.trim_end_matches(')')]
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            None => vec![self.area.trim().to_string()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_area_names_its_municipalities_and_counts_motor_boats_of_every_engine() {
        let a = CensusArea {
            area: "Dili (Atauro)".into(),
            fishers: 2135,
            canoes: 464,
            motor_johnson: 79,
            motor_ketinting: 39,
            motor_yamaha: 2,
            longline: 129,
        };
        assert_eq!(a.municipalities(), vec!["Dili", "Atauro"]);
        assert_eq!(a.boats(FleetBoatType::Canoe), 464);
        assert_eq!(a.boats(FleetBoatType::Motor), 120);
        let b = CensusArea {
            area: "Viqueque".into(),
            ..a
        };
        assert_eq!(b.municipalities(), vec!["Viqueque"]);
    }
}
