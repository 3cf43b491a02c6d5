//! Quantities with units: kilograms of fish and US dollars.

use std::fmt;
use std::ops::Add;

use serde::{Deserialize, Serialize};

/// Why a number is not a valid quantity.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuantityError {
    /// The number is NaN or infinite.
    #[error("{unit}: {value} is not a finite number")]
    NotFinite {
        /// Unit of the quantity that was refused (`kg`, `USD` …).
        unit: &'static str,
        /// The refused value.
        value: f64,
    },
    /// The number is below zero.
    #[error("{unit}: {value} is negative")]
    Negative {
        /// Unit of the quantity that was refused.
        unit: &'static str,
        /// The refused value.
        value: f64,
    },
}

fn check(unit: &'static str, value: f64) -> Result<f64, QuantityError> {
    if !value.is_finite() {
        Err(QuantityError::NotFinite { unit, value })
    } else if value < 0.0 {
        Err(QuantityError::Negative { unit, value })
    } else {
        Ok(value)
    }
}

/// A mass of fish in kilograms: finite and not negative.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
pub struct Kilograms(f64);

impl Kilograms {
    /// Zero kilograms.
    pub const ZERO: Kilograms = Kilograms(0.0);

    /// A mass of `kg` kilograms.
    ///
    /// # Errors
    /// [`QuantityError`] when `kg` is negative, NaN or infinite.
    pub fn new(kg: f64) -> Result<Self, QuantityError> {
        check("kg", kg).map(Kilograms)
    }

    /// A mass given in grams (the unit of PeskAAS `weight_g`), converted at 1 kg = 1000 g.
    ///
    /// # Errors
    /// [`QuantityError`] when `grams` is negative, NaN or infinite.
    pub fn from_grams(grams: f64) -> Result<Self, QuantityError> {
        check("g", grams).map(|g| Kilograms(g / 1000.0))
    }

    /// The mass in kilograms.
    pub fn value(self) -> f64 {
        self.0
    }

    /// The mass in tonnes (1 t = 1000 kg).
    pub fn tonnes(self) -> f64 {
        self.0 / 1000.0
    }
}

impl Add for Kilograms {
    type Output = Kilograms;
    fn add(self, rhs: Kilograms) -> Kilograms {
        Kilograms(self.0 + rhs.0)
    }
}

impl std::iter::Sum for Kilograms {
    fn sum<I: Iterator<Item = Kilograms>>(iter: I) -> Kilograms {
        iter.fold(Kilograms::ZERO, Add::add)
    }
}

impl fmt::Display for Kilograms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} kg", self.0)
    }
}

/// An amount of money in US dollars (Timor-Leste's currency): finite and not negative.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
pub struct Usd(f64);

impl Usd {
    /// An amount of `usd` dollars.
    ///
    /// # Errors
    /// [`QuantityError`] when `usd` is negative, NaN or infinite.
    pub fn new(usd: f64) -> Result<Self, QuantityError> {
        check("USD", usd).map(Usd)
    }

    /// The amount in dollars.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2} USD", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kilograms_refuse_negative_and_non_finite_values() {
        assert_eq!(Kilograms::new(2.5).map(Kilograms::value), Ok(2.5));
        assert!(matches!(
            Kilograms::new(-0.1),
            Err(QuantityError::Negative { unit: "kg", .. })
        ));
        assert!(matches!(
            Kilograms::new(f64::NAN),
            Err(QuantityError::NotFinite { .. })
        ));
        assert!(matches!(
            Kilograms::new(f64::INFINITY),
            Err(QuantityError::NotFinite { .. })
        ));
    }

    #[test]
    fn grams_convert_to_kilograms_and_sum() {
        let total: Kilograms = [1188.9, 2640.5]
            .into_iter()
            .filter_map(|g| Kilograms::from_grams(g).ok())
            .sum();
        assert!((total.value() - 3.8294).abs() < 1e-9);
        assert!((total.tonnes() - 0.0038294).abs() < 1e-12);
        assert!(Kilograms::from_grams(-1.0).is_err());
    }

    #[test]
    fn dollars_refuse_negative_amounts() {
        assert_eq!(Usd::new(12.0).map(Usd::value), Ok(12.0));
        assert!(matches!(
            Usd::new(-3.0),
            Err(QuantityError::Negative { unit: "USD", .. })
        ));
        assert_eq!(
            Usd::new(1.5).map(|u| u.to_string()),
            Ok("1.50 USD".to_string())
        );
    }
}
